"""The login limit (django-axes) as an authentication backend."""

from axes.backends import AxesStandaloneBackend


class LoginLimitBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login that comes with a request: the admin's login form, the
    API's basic authentication. A login without a request (code calling ``authenticate()`` itself, such as
    the test client's ``login()``) has no address to lock; it is passed on to the next backend instead of
    failing, as the stock backend does."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
