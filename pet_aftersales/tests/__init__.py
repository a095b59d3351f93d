from . import test_foundation
from . import test_case_sla
from . import test_case_flow
from . import test_case_intake
from . import test_case_access
from . import test_case_tour
