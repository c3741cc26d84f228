#!/bin/sh
# Side-by-side ADD+DEL with 60,000 existing reservations: Go host-local vs ours.
# Usage: add-del-60k.sh <our-host-local-binary>   (needs hyperfine, python3, ip)
set -eu
OURS=${1:?path to our host-local binary}
GO=/usr/lib/cni/host-local
W=$(mktemp -d /tmp/th-bench.XXXXXX)
NS=th-bench-$$
ip netns add "$NS"
trap 'ip netns del "$NS"; rm -rf "$W"' EXIT
python3 - "$W/net60k" <<'PY'
import ipaddress, os, sys
d = sys.argv[1]; os.makedirs(d)
hosts = ipaddress.ip_network("10.128.0.0/14").hosts(); next(hosts)
for i in range(60000):
    ip = next(hosts)
    with open(os.path.join(d, str(ip)), "w") as f: f.write("c%063d\r\neth0" % i)
open(os.path.join(d, "last_reserved_ip.0"), "w").write(str(ip))
PY
CONF="$W/conf.json"
printf '{"cniVersion":"1.0.0","name":"net60k","type":"host-local","ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.128.0.0/14"}]]}}' "$W" > "$CONF"
export CNI_CONTAINERID=bench CNI_NETNS=/var/run/netns/$NS CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni
hyperfine -N -w 2 -r 10 \
  -n go-add-del "sh -c 'CNI_COMMAND=ADD $GO < $CONF >/dev/null && CNI_COMMAND=DEL $GO < $CONF'" \
  -n tscni-add-del "sh -c 'CNI_COMMAND=ADD $OURS < $CONF >/dev/null && CNI_COMMAND=DEL $OURS < $CONF'"
