"""The demo and benchmark data: ``seed_demo`` (the apps' ``<app>/demo.py`` modules, in
dependency order) and ``demo.largedata`` (the large university of ``seed_demo --scale large``
and ``bench/run.py``).  It stands above every app; no app imports it."""
