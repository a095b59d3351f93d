from . import test_foundation
from . import test_portal_pet
from . import test_portal_security
from . import test_portal_tours
from . import test_rma_policy
from . import test_rma_workflow
from . import test_rma_portal
