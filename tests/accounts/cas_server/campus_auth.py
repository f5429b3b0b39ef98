"""django-cas-server's authentication class for the test directory (``people.PEOPLE``)."""

import hmac

from cas_server.auth import AuthUser
from people import PEOPLE


class CampusDirectory(AuthUser):
    def test_password(self, password):
        person = PEOPLE.get(self.username)
        return person is not None and hmac.compare_digest(person["password"].encode(), password.encode())

    def attributs(self):  # django-cas-server's spelling
        person = PEOPLE.get(self.username)
        return dict(person["attributes"]) if person else {}
