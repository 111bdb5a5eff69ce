# Built from the repository root: docker build -f docker/worker.Dockerfile .
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip
COPY ci/*.sh /opt/ci/
ADD ci/extras.sh /tmp
RUN /opt/ci/deps.sh && sh /tmp/extras.sh
