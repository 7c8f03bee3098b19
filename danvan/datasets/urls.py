from django.urls import path

from danvan.datasets import views
from danvan.datasets.exchange import views as exchange_views

app_name = "datasets"

_FORM = "<str:data_set>/<str:period>/unit/<int:unit_pk>/"
_ORG_FORM = "<str:data_set>/<str:period>/organization/<int:organization_pk>/"

urlpatterns = [
    path("", views.entry_home, name="entry"),
    path(_FORM, views.entry_form, name="form"),
    path(_ORG_FORM, views.entry_form, name="form-org"),
    path(_FORM + "cell/<str:element>/", views.entry_cell, name="cell"),
    path(_ORG_FORM + "cell/<str:element>/", views.entry_cell, name="cell-org"),
    path(_FORM + "history/<str:element>/", views.entry_history, name="history"),
    path(_ORG_FORM + "history/<str:element>/", views.entry_history, name="history-org"),
    path(_FORM + "submit/", views.entry_submit, name="submit"),
    path(_ORG_FORM + "submit/", views.entry_submit, name="submit-org"),
    path("submissions/approve/", views.submissions_approve, name="approve-many"),
    path("submissions/<int:pk>/<str:action>/", views.submission_decide, name="decide"),
    path("inbox/", views.inbox, name="inbox"),
    path("completeness/", views.completeness, name="completeness"),
    path("validation/", views.validation_analysis, name="validation"),
    path("exchange/", exchange_views.exchange_home, name="exchange"),
    path("exchange/download/", exchange_views.exchange_download, name="exchange-download"),
    path("exchange/upload/", exchange_views.exchange_upload, name="exchange-upload"),
    path("exchange/jobs/<int:pk>/", exchange_views.exchange_job, name="exchange-job"),
    path(
        "exchange/jobs/<int:pk>/progress/",
        exchange_views.exchange_job_progress,
        name="exchange-job-progress",
    ),
    path("exchange/jobs/<int:pk>/apply/", exchange_views.exchange_job_apply, name="exchange-apply"),
    path("exchange/workbooks/", exchange_views.workbook_mappings, name="workbook-mappings"),
    path(
        "exchange/workbooks/sample/",
        exchange_views.workbook_sample_upload,
        name="workbook-sample",
    ),
    path(
        "exchange/workbooks/new/", exchange_views.workbook_mapping_new, name="workbook-mapping-new"
    ),
    path("exchange/workbooks/<int:pk>/", exchange_views.workbook_mapping, name="workbook-mapping"),
    path(
        "exchange/workbooks/<int:pk>/share/",
        exchange_views.workbook_mapping_share_view,
        name="workbook-mapping-share",
    ),
    path(
        "exchange/workbooks/<int:pk>/delete/",
        exchange_views.workbook_mapping_delete_view,
        name="workbook-mapping-delete",
    ),
]
