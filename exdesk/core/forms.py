from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError, default_field: str | None = None) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else default_field
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(default_field, message)


def run_action(request, work, success: str) -> bool:
    """Run a service call for a console button: its success or its refusal as a message."""
    from django.contrib import messages

    try:
        work()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


def run_form_action(request, form, work, success: str) -> bool:
    """``run_action`` with the form's cleaned data, or the form's errors as a message."""
    from django.contrib import messages

    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return False
    return run_action(request, lambda: work(form.cleaned_data), success)
