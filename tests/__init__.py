"""Backend tests. Imported before any test module or conftest, hence the setting below."""

import os

# Minimum-cost password hashing for the test process and the servers it starts
# (backend/auth/passwords.py reads it when first imported).
os.environ["FRONTDESK_INSECURE_FAST_HASHING"] = "1"
