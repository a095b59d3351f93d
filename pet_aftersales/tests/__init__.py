from . import test_foundation
from . import test_feedback_survey
from . import test_feedback_callback
from . import test_feedback_points
from . import test_feedback_http
from . import test_feedback_performance
from . import test_feedback_report
