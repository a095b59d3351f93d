from . import test_foundation
from . import test_alert
from . import test_report
