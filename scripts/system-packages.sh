#!/usr/bin/env bash
# Debian packages intlportal needs beyond Python, installed when missing (as root with apt-get),
# or named plainly when they cannot be installed here.
#   scripts/system-packages.sh build   the OpenLDAP and SASL headers python-ldap compiles against
#   scripts/system-packages.sh test    slapd and the LDAP tools the LDAP sign-in tests start
set -euo pipefail

case "${1:-}" in
  build) packages=(libldap2-dev libsasl2-dev); present() { [ -f /usr/include/ldap.h ] && [ -f /usr/include/sasl/sasl.h ]; } ;;
  test)  packages=(slapd ldap-utils); present() { [ -x /usr/sbin/slapd ] && command -v ldapadd >/dev/null 2>&1; } ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

if present; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "--> installing Debian packages: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
  present && exit 0
fi
cat >&2 <<MSG
intlportal needs these system packages, and they are missing: ${packages[*]}
Install them, then run the command again:
  - on Debian/Ubuntu:  sudo apt-get install ${packages[*]}
  - on Fedora/RHEL:    sudo dnf install openldap-devel cyrus-sasl-devel openldap-servers openldap-clients
MSG
exit 1
