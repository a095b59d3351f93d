from . import test_foundation
from . import test_rma_policy
from . import test_rma_workflow
from . import test_rma_portal
from . import test_rma_concurrency
