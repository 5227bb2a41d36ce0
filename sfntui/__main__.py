from sfntui.cli import main

raise SystemExit(main())
