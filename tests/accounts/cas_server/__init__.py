"""A small CAS server for the sign-in tests: django-cas-server (a maintained CAS server written
as a Django app) in a project of its own, run by ``serve.py`` with ``.venv-cas/bin/python`` (it
needs Django 5.2; the portal runs on 6.1).  ``tests/accounts/cas_fixture.py`` starts it.

``people.py`` is the university's directory the server signs people in from; it is plain data,
read by the tests as well.  The other modules import django-cas-server and run only in the
server's own virtualenv.
"""
