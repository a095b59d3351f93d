from . import portal_case, portal_pet, portal_recall, portal_return, recall_export
