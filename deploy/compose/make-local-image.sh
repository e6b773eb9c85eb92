#!/bin/sh
# Makes `local/debian-host`, the base image of docker-compose.local.yml, from this host's own files
# (no registry): /usr, /lib, /lib64, /bin, /sbin and /etc, tarred and `docker import`ed. Large
# (the host's /usr) but made once; the services' binaries are the host's Debian packages.
#   DOCKER_HOST=unix:///path/docker.sock sh deploy/compose/make-local-image.sh
set -eu
tar -C / -cf - --exclude=./etc/shadow --exclude=./etc/gshadow --exclude=./etc/ssh \
  ./usr ./lib ./lib64 ./bin ./sbin ./etc 2>/dev/null | docker import - local/debian-host:latest
