"""The letter an accepted application gets, written by a background job into an encrypted result file."""

from talentbase.core import jobs, private_files
from talentbase.core.jobs.actions import report_progress
from talentbase.core.jobs.models import Job

from .models import Application

LETTER_CONTEXT = "example.letter"


def write_letter(job: Job) -> None:
    application = Application.objects.get(pk=job.target_id)
    report_progress(job, 0, total=1)
    text = f"{application.person.full_name}：您已被录取，开课日期 {application.starts_on:%Y-%m-%d}。"
    relative = private_files.new_name("example", f"{job.pk}-", ".txt.bin")
    private_files.write(relative, text.encode(), context=LETTER_CONTEXT)
    Job.objects.filter(pk=job.pk).update(result_file=relative, progress_done=1)


jobs.register_kind("example.letter", run=write_letter, result_context=LETTER_CONTEXT)
