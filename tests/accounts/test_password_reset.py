"""Password reset by e-mail, for accounts with a portal password (the demo, a break-glass
office account); a campus account's password is the university's and is never reset here."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("english")

NEW_PASSWORD = "a-new-Passw0rd-for-the-portal"
LINK = re.compile(r"https?://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)")


def ask_for_reset(client, email: str):
    return client.post(reverse("accounts:password-reset"), {"email": email})


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


@pytest.fixture
def local(db):
    return UserFactory(username="breakglass", email="breakglass@example.edu.cn", first_name="Mei", last_name="Chen",
                       roles=["office"])


def test_the_form_page_opens_without_signing_in(client, db):
    response = client.get(reverse("accounts:password-reset"))

    assert response.status_code == 200
    assert "Reset your password" in response.content.decode()


def test_a_local_account_gets_the_link_and_sets_a_new_password_it_can_sign_in_with(client, local):
    response = ask_for_reset(client, "breakglass@example.edu.cn")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["breakglass@example.edu.cn"]
    assert message.subject == "[International Affairs Portal] Reset your password"
    assert "Dear Mei Chen," in message.body
    assert "Your user name is breakglass." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://testserver{link_in(message)}"' in html

    # The link leads to the form (Django swaps the token for a session value first).
    form_page = client.get(link_in(message), follow=True)
    assert form_page.context["validlink"]
    response = client.post(form_page.redirect_chain[-1][0],
                           {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-complete")
    assert "Your new password is set" in client.get(response["Location"]).content.decode()
    response = client.post(reverse("login"), {"username": "breakglass", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(local.pk)


def test_an_account_without_a_portal_password_gets_no_mail(client, db):
    campus = UserFactory(username="lihua", email="lihua@example.edu.cn", staff_no="T10001")
    campus.set_unusable_password()  # signs in through CAS or LDAP: the university keeps the password
    campus.save()

    response = ask_for_reset(client, "lihua@example.edu.cn")

    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_an_inactive_account_gets_no_mail(client, db):
    UserFactory(username="left", email="left@example.edu.cn", is_active=False)

    response = ask_for_reset(client, "left@example.edu.cn")

    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_an_unknown_address_gets_the_same_answer_as_a_known_one(client, local):
    known = ask_for_reset(client, local.email)
    unknown = ask_for_reset(client, "nobody@example.edu.cn")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1
    page = client.get(unknown["Location"]).content.decode()
    assert "If a portal account with a portal password has this address" in page


def test_a_used_link_shows_a_clear_page_and_a_way_to_ask_again(client, local):
    ask_for_reset(client, local.email)
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert response.status_code == 200
    assert not response.context["validlink"]
    page = response.content.decode()
    assert "This link no longer works" in page
    assert reverse("accounts:password-reset") in page


def test_an_expired_link_shows_the_same_clear_page(client, local, settings):
    uid = urlsafe_base64_encode(force_bytes(local.pk))
    token = default_token_generator.make_token(local)
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        response = client.get(reverse("accounts:password-reset-confirm", args=[uid, token]), follow=True)

    assert not response.context["validlink"]
    assert "This link no longer works" in response.content.decode()
