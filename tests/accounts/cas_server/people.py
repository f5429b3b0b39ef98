"""The university's directory the test CAS server signs people in from: user name → password
and the attributes it releases (CAS 3 ``serviceValidate``).  Read by the server
(``campus_auth.CampusDirectory``) and by the tests, which type these names and passwords."""

PEOPLE = {
    # A teacher the portal knows by staff number (under another user name).
    "t20190001": {
        "password": "cas-wang-2019",
        "attributes": {"uid": "t20190001", "employeeNumber": "20190001", "cn": "王老师",
                       "mail": "wang.laoshi@example.edu.cn", "eduPersonAffiliation": "staff"},
    },
    # A new member of staff the portal has never seen.
    "t20230042": {
        "password": "cas-li-2023",
        "attributes": {"uid": "t20230042", "employeeNumber": "20230042", "cn": "李新",
                       "mail": "li.xin@example.edu.cn", "eduPersonAffiliation": "staff"},
    },
    # A faculty secretary, for the browser journey.
    "t20150007": {
        "password": "cas-zhang-2015",
        "attributes": {"uid": "t20150007", "employeeNumber": "20150007", "cn": "张秘书",
                       "mail": "zhang.mishu@example.edu.cn", "eduPersonAffiliation": "staff"},
    },
    # A visiting scholar: the directory has no staff number for them.
    "visitor01": {
        "password": "cas-visitor-01",
        "attributes": {"uid": "visitor01", "cn": "Anna Weber", "mail": "anna.weber@example.edu.cn",
                       "eduPersonAffiliation": "affiliate"},
    },
}

# What the server releases to the portal (ReplaceAttributName rows of its service pattern).
RELEASED_ATTRIBUTES = ("uid", "employeeNumber", "cn", "mail", "eduPersonAffiliation")
