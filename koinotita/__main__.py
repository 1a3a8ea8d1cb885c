from koinotita.cli import main

raise SystemExit(main())
