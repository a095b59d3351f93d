from . import aftersales_callback
