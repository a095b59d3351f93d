from . import test_foundation
from . import test_feedback_survey
