from . import aftersales_report_ratio
from . import aftersales_feedback_report
from . import aftersales_case_report
from . import aftersales_case_report_monthly
from . import aftersales_return_report
from . import aftersales_churn_report
from . import aftersales_overview
from . import aftersales_recall_progress
