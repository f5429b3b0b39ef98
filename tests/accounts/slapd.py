"""A real OpenLDAP directory for the LDAP sign-in tests.

``slapd`` (Debian's, installed by ``make test-servers``) runs as a user process on a free
loopback port with a throw-away database, one per test session (each pytest-xdist worker has
its own).  It holds the university's people under ``ou=people``, a service account the portal
searches with, and a disabled person; StartTLS is served with a certificate signed by a CA the
fixture makes, so the portal's ``LDAP_CA_FILE`` is tested for real.

How the directory disables a person: OpenLDAP's password-policy overlay (ppolicy) with
``pwdAccountLockedTime: 000001010000Z``, the value an administrator sets to lock an account
for good.  The directory itself then refuses the person's bind, so the portal needs no
setting for it (Active Directory refuses a disabled account's bind as well).  A directory that
marks leavers with an attribute instead can leave them out of ``LDAP_USER_FILTER``, e.g.
``(&(uid=%(user)s)(!(eduPersonAffiliation=former)))``.

A test module takes the fixtures into its namespace (a test that names them as arguments
would otherwise shadow an import)::

    from tests.accounts import slapd as directory

    slapd, ldap_settings = directory.slapd, directory.ldap_settings
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import ldap
import ldap.modlist
import pytest

SLAPD = Path("/usr/sbin/slapd")
MODULES = Path("/usr/lib/ldap")
SCHEMAS = Path("/etc/ldap/schema")
SETTINGS_FILE = Path(__file__).resolve().parents[2] / "intlportal" / "settings.py"

BASE = "dc=example,dc=edu"
PEOPLE = f"ou=people,{BASE}"
ROOT_DN, ROOT_PASSWORD = f"cn=admin,{BASE}", secrets.token_urlsafe(16)
SERVICE_DN, SERVICE_PASSWORD = f"cn=portal,ou=services,{BASE}", "portal-service-pw"
READY_WITHIN_SECONDS = 20


@dataclass(frozen=True)
class Person:
    uid: str
    password: str
    staff_no: str
    given: str
    family: str
    mail: str
    disabled: bool = False

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE}"


# The people in the directory, by what the tests call them.
LI_HUA = Person("lihua", "lihua-directory-pw", "T10001", "华", "李", "lihua@example.edu")
# Zhang Wei's portal account is "zhang.wei": the directory's user name differs, the staff number is the same.
ZHANG_WEI = Person("zw20002", "zhangwei-directory-pw", "T20002", "伟", "张", "zhangwei@example.edu")
WANG_FANG = Person("wangfang", "wangfang-directory-pw", "T30003", "芳", "王", "wangfang@example.edu")
ZHAO_LEI = Person("zhaolei", "zhaolei-directory-pw", "T40004", "磊", "赵", "zhaolei@example.edu", disabled=True)
DIRECTORY = (LI_HUA, ZHANG_WEI, WANG_FANG, ZHAO_LEI)


@dataclass
class Directory:
    """A running slapd: where it answers and who may bind to it."""

    uri: str
    ca_file: Path
    base: str = BASE
    people: str = PEOPLE
    bind_dn: str = SERVICE_DN
    bind_password: str = SERVICE_PASSWORD

    def environment(self, **overrides: str) -> dict[str, str]:
        """The environment variables that point the portal at this directory."""
        return {
            "LDAP_SERVER_URI": self.uri,
            "LDAP_BIND_DN": self.bind_dn,
            "LDAP_BIND_PASSWORD": self.bind_password,
            "LDAP_USER_SEARCH_BASE": self.people,
            **overrides,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ssha(password: str) -> str:
    """The {SSHA} form slappasswd writes: the directory keeps no clear password."""
    salt = secrets.token_bytes(8)
    digest = hashlib.sha1(password.encode() + salt).digest()  # noqa: S324 - the LDAP scheme, not our hashing
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def _make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a certificate for 127.0.0.1 it signs."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is missing: it makes the test directory's TLS certificate (apt-get install openssl)")
    ca_key, ca, key, request, cert = (folder / name for name in ("ca.key", "ca.pem", "server.key", "server.csr",
                                                                 "server.pem"))
    ext = folder / "server.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for args in (
        ["req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=intlportal test CA"],
        ["req", *ec, "-keyout", key, "-out", request, "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
         "-days", "2", "-extfile", ext],
    ):
        subprocess.run([openssl, *map(str, args)], check=True, capture_output=True)  # noqa: S603 - fixed arguments
    return ca, cert, key


def _write_config(folder: Path, ca: Path, cert: Path, key: Path) -> Path:
    database = folder / "db"
    database.mkdir()
    config = folder / "slapd.conf"
    schemas = "\n".join(f"include {SCHEMAS / name}.schema" for name in ("core", "cosine", "nis", "inetorgperson"))
    config.write_text(f"""\
{schemas}
modulepath {MODULES}
moduleload back_mdb
moduleload ppolicy
pidfile {folder / "slapd.pid"}
TLSCACertificateFile {ca}
TLSCertificateFile {cert}
TLSCertificateKeyFile {key}

database mdb
maxsize 10485760
directory {database}
suffix "{BASE}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}

# A locked account (pwdAccountLockedTime) cannot bind; failed binds never lock anyone here
# (pwdMaxFailure 0): the portal's own lockout (django-axes) is the one under test.
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{BASE}"

# A person binds as themselves with their password; the portal's service account searches.
access to attrs=userPassword
  by self write
  by anonymous auth
  by * none
access to *
  by dn.exact="{SERVICE_DN}" read
  by self read
  by * none
""")
    return config


def _start(folder: Path, config: Path) -> tuple[subprocess.Popen, str]:
    """slapd in the foreground (-d), answering on a free port; a port taken in between by
    another process is retried on another."""
    log = folder / "slapd.log"
    for _attempt in range(3):
        uri = f"ldap://127.0.0.1:{free_port()}/"
        with log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603 - our own arguments
                [str(SLAPD), "-d", "0", "-h", uri, "-f", str(config)], stdout=out, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            try:
                _connect(uri).unbind_s()
                return process, uri
            except ldap.SERVER_DOWN:
                time.sleep(0.05)
        _stop(process)
    pytest.fail(f"slapd did not start; its log:\n{log.read_text()}")


def _connect(uri: str):
    connection = ldap.initialize(uri, bytes_mode=False)
    connection.set_option(ldap.OPT_NETWORK_TIMEOUT, 2)
    connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
    return connection


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _add(connection, dn: str, attributes: dict) -> None:
    entry = {name: [str(v).encode() for v in (value if isinstance(value, list) else [value])]
             for name, value in attributes.items()}
    connection.add_s(dn, ldap.modlist.addModlist(entry))


def _load(uri: str) -> None:
    connection = _connect(uri)
    _add(connection, BASE, {"objectClass": ["dcObject", "organization"], "dc": "example", "o": "Example University"})
    for unit in ("people", "services", "policies"):
        _add(connection, f"ou={unit},{BASE}", {"objectClass": "organizationalUnit", "ou": unit})
    _add(connection, f"cn=default,ou=policies,{BASE}", {
        "objectClass": ["pwdPolicy", "device"], "cn": "default", "pwdAttribute": "userPassword",
        "pwdLockout": "TRUE", "pwdMaxFailure": "0",
    })
    _add(connection, SERVICE_DN, {
        "objectClass": ["applicationProcess", "simpleSecurityObject"], "cn": "portal",
        "userPassword": ssha(SERVICE_PASSWORD),
    })
    for person in DIRECTORY:
        _add(connection, person.dn, {
            "objectClass": "inetOrgPerson", "uid": person.uid, "cn": person.family + person.given,
            "sn": person.family, "givenName": person.given, "mail": person.mail,
            "employeeNumber": person.staff_no, "userPassword": ssha(person.password),
        })
        if person.disabled:
            connection.modify_s(person.dn, [(ldap.MOD_ADD, "pwdAccountLockedTime", [b"000001010000Z"])])
    connection.unbind_s()


@pytest.fixture(scope="session")
def slapd(tmp_path_factory):
    """A running OpenLDAP with the people of ``DIRECTORY``; stopped at the end of the session."""
    if not SLAPD.exists():
        pytest.fail("slapd is not installed: run `make test-servers` (scripts/system-packages.sh test)")
    folder = tmp_path_factory.mktemp("slapd")
    ca, cert, key = _make_certificates(folder)
    process, uri = _start(folder, _write_config(folder, ca, cert, key))
    try:
        _load(uri)
        yield Directory(uri=uri, ca_file=ca)
    finally:
        _stop(process)


def portal_settings(**environment: str):
    """``intlportal/settings.py`` as it reads with these environment variables (a fresh copy of
    the module: the one Django loaded is left alone)."""
    cleared = {name: "" for name in os.environ if name.startswith(("LDAP_", "CAS_"))}
    with mock.patch.dict(os.environ, {**cleared, **environment}):
        spec = importlib.util.spec_from_file_location("intlportal_settings_probe", SETTINGS_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


@pytest.fixture
def ldap_settings(settings, slapd):
    """Point the portal at the test directory through the environment, as a deployment would:
    ``ldap_settings(LDAP_START_TLS="true", ...)`` reads ``intlportal/settings.py`` with
    those variables and applies its sign-in settings for the test."""

    def apply(**overrides: str):
        probe = portal_settings(**slapd.environment(**overrides))
        for name in vars(probe):
            if name.startswith(("AUTH_LDAP_", "LDAP_")) or name == "AUTHENTICATION_BACKENDS":
                setattr(settings, name, getattr(probe, name))
        return settings

    apply()
    return apply
