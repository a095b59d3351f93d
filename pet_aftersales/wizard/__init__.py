from . import aftersales_rma_reject
