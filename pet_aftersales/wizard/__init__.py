from . import aftersales_rma_reject
from . import aftersales_callback
