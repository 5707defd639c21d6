import { prlimitArgs } from './limits.js';
import {
  dropRootArgs,
  ETC_PATHS,
  SANDBOX_WORKSPACE,
  SYSTEM_PATHS,
  type SandboxPlan,
} from './sandbox-plan.js';

/**
 * Runs as root of the new user namespace (with its capabilities, none on the host). Builds a
 * tmpfs root holding read-only binds of the system paths and a minimal /dev while the host tree is
 * still visible, pivots into it, binds the workspace at /work (the only writable host path) and
 * the read-only prefixes from the old root, detaches the old root, makes / read-only, raises the
 * loopback device (perl-base is Essential on Debian; no route leaves the namespace either way),
 * then runs the command with no capabilities and no way to regain them.
 * Arguments: WORKSPACE [READ_ONLY_DIR ...] -- COMMAND...
 */
const SETUP = `set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
ro() { mount --rbind "$1" "$2"; mount -o remount,bind,ro,nosuid,nodev "$2"; }
mount -t tmpfs -o mode=0755,size=1m mge-root /tmp
cd /tmp
for p in ${SYSTEM_PATHS.join(' ')}; do
  if [ -L "$p" ]; then ln -s "$(readlink "$p")" ".$p"
  elif [ -d "$p" ]; then mkdir ".$p"; ro "$p" ".$p"; fi
done
mkdir etc proc dev tmp ${SANDBOX_WORKSPACE.slice(1)} .old
for p in ${ETC_PATHS.join(' ')}; do
  if [ -d "$p" ]; then mkdir ".$p"; elif [ -e "$p" ]; then : > ".$p"; else continue; fi
  ro "$p" ".$p"
done
mount -t tmpfs -o mode=0755,size=64k,nosuid mge-dev dev
for d in null zero full random urandom tty; do : > "dev/$d"; mount --bind "/dev/$d" "dev/$d"; done
ln -s /proc/self/fd dev/fd
ln -s /proc/self/fd/0 dev/stdin; ln -s /proc/self/fd/1 dev/stdout; ln -s /proc/self/fd/2 dev/stderr
mkdir dev/shm; mount -t tmpfs -o size=64m,nosuid,nodev mge-shm dev/shm
pivot_root . .old
cd /
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t tmpfs -o mode=1777,size=64m,nosuid,nodev mge-tmp /tmp
mount --bind "/.old$1" ${SANDBOX_WORKSPACE}
mount -o remount,bind,nosuid,nodev ${SANDBOX_WORKSPACE}
shift
while [ "$1" != -- ]; do mkdir -p "$1" 2>/dev/null || :; ro "/.old$1" "$1"; shift; done
shift
umount -l /.old
rmdir /.old
mount -o remount,bind,ro /
hostname sandbox 2>/dev/null || :
perl -e 'use Socket; socket(my $s, PF_INET, SOCK_DGRAM, 0) or die;
  my $r = pack("a16 s x22", "lo", 0); ioctl($s, 0x8913, $r) or die;
  ioctl($s, 0x8914, pack("a16 s x22", "lo", unpack("x16 s", $r) | 1)) or die' 2>/dev/null || :
cd ${SANDBOX_WORKSPACE}
setpriv --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"
`;

/**
 * The full argv: [setpriv ...] unshare <new user, mount, pid, ipc, net, uts and cgroup namespaces>
 * sh SETUP -- env -i <env> prlimit <limits> -- command. util-linux only, so it works wherever
 * bubblewrap is not installed; the shell stays PID 1 of the sandbox (it reaps orphans), and
 * `--kill-child` takes the whole namespace down with unshare.
 */
export function unshareArgv(plan: SandboxPlan): string[] {
  const env = Object.entries(plan.env).map(([key, value]) => `${key}=${value}`);
  return [
    ...dropRootArgs(plan.setpriv),
    plan.tool,
    '--user',
    '--map-root-user',
    '--mount',
    '--pid',
    '--ipc',
    '--net',
    '--uts',
    '--cgroup',
    '--kill-child',
    '--',
    '/bin/sh',
    '-c',
    SETUP,
    'mge-sandbox',
    plan.workspace,
    ...plan.readOnly,
    '--',
    '/usr/bin/env',
    '-i',
    ...env,
    plan.prlimit,
    ...prlimitArgs(plan.limits),
    ...plan.command,
  ];
}
