"""Security tests sign users in many times: a fast password hasher keeps that cheap.  The
hasher's strength is Django's concern; what is tested here is who may do what."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
