# mechgan for a lab server: one container serves the whole class.
# The base image by digest: python:3.11-slim (Python 3.11.15, Debian trixie) as of 5 Aug 2026, from
# docker-library/repo-info repos/python/remote/3.11-slim.md; a rebuild gets the same image until this line changes.
FROM python:3.11-slim@sha256:90744cff8f32887f075c47d747a173ff333e9e98801667af93c357fa9f5e28ff

# MECHGAN_MAX_TRAINING: runs that train at once; set it to the cores the container gets.
# MALLOC_ARENA_MAX: few malloc arenas, so memory freed by closed tabs goes back to the OS.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    MECHGAN_RUNS_DIR=/data/runs \
    MECHGAN_MAX_TRAINING=2

RUN useradd --create-home --uid 10001 mechgan \
    && mkdir -p /data/runs \
    && chown mechgan:mechgan /data/runs

WORKDIR /srv/mechgan

# Dependencies first, so code changes do not reinstall TensorFlow: every package pinned with its hashes.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY pyproject.toml README.md ./
COPY mechgan/ mechgan/
COPY assets/ assets/
COPY app/ app/
COPY .streamlit/ .streamlit/
# Editable, so mechgan finds the baked-in assets/ beside its source; built with the locked setuptools.
RUN pip install --no-cache-dir --no-deps --no-build-isolation -e .

USER 10001
VOLUME ["/data/runs"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4).read() != b'ok')"]

CMD ["streamlit", "run", "app/main.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
