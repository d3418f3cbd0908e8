"""Simplified Chinese formats: Django's, except that numbers are grouped in thousands with a comma.

Django groups Chinese numbers by four digits with no separator (1556, 12345678); business software in
mainland China — and SASMS in English — writes 1,556 and 12,345,678. Everything not set here comes
from Django's own zh_Hans formats.
"""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
