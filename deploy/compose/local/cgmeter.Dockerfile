# cgmeter's image in docker-compose.local.yml: local/host-usr (make-local-images.sh) and an
# entrypoint, nothing else. Node is the host's (/usr bind-mounted read-only) and cgmeter is this
# checkout (mounted at /opt/cgmeter), both at run time. FROM a local image: nothing is pulled.
ARG BASE=local/host-usr
FROM ${BASE}
ENTRYPOINT ["/usr/bin/node", "/opt/cgmeter/bin/cgmeter.js"]
