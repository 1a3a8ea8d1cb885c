"""Greek labels for the codes the console shows (statuses, categories, services, channels)."""

from __future__ import annotations

INTAKE_STATUS = {"new": "Νέο", "in_progress": "Σε εξέλιξη", "waiting_citizen": "Αναμονή πολίτη",
                 "referred": "Παραπέμφθηκε", "closed": "Κλειστό"}
CATEGORY = {
    "ask_entitlements": "Δικαιούμαι κάτι;", "ask_min_income": "Ελάχιστο Εγγυημένο Εισόδημα",
    "ask_child_benefit": "Επίδομα παιδιού", "ask_housing": "Στέγαση / ενοίκιο", "ask_disability": "Αναπηρία",
    "ask_employment": "Εργασία", "ask_food_aid": "Τρόφιμα / βασική βοήθεια", "ask_energy_bills": "Λογαριασμοί ρεύματος",
    "ask_psychosocial": "Ψυχοκοινωνική στήριξη", "ask_child_learning": "Μάθηση παιδιών",
    "ask_legal_info": "Νομική πληροφόρηση", "ask_elderly_care": "Φροντίδα ηλικιωμένων",
    "ask_documents": "Δικαιολογητικά", "ask_events": "Εκδηλώσεις", "volunteer": "Εθελοντισμός",
    "safety": "Ασφάλεια (κίνδυνος)", "other": "Άλλο",
}
SERVICE = {"social_worker": "Κοινωνικός λειτουργός", "psychologist": "Ψυχολόγος",
           "employment": "Συμβουλευτική εργασίας",
           "roma_mediator": "Διαμεσολαβητής Ρομά", "applications": "Βοήθεια με αιτήσεις"}
APPOINTMENT_STATUS = {"booked": "Κλεισμένο", "held": "Κρατημένο (λίστα αναμονής)", "cancelled": "Ακυρώθηκε",
                      "expired": "Έληξε", "attended": "Ήρθε", "no_show": "Δεν ήρθε"}
CONTACT = {"telegram": "Μέσω Telegram", "phone": "Τηλέφωνο", "morning": "Πρωί", "afternoon": "Απόγευμα",
           "any": "Οποιαδήποτε ώρα"}
CREATED_BY = {"citizen": "Ο ίδιος ο πολίτης (bot)", "mediator": "Διαμεσολαβητής", "staff": "Προσωπικό"}
ALL = {"status": INTAKE_STATUS, "category": CATEGORY, "service": SERVICE, "appointment": APPOINTMENT_STATUS,
       "contact": CONTACT, "created_by": CREATED_BY}


def label(kind: str, code: str | None) -> str:
    if code is None:
        return "—"
    return ALL.get(kind, {}).get(code, code)
