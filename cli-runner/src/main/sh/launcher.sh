#!/bin/sh
# batchpush - runs a batch command and pushes how it went to a Prometheus Pushgateway.
#
# This is a POSIX shell launcher for the batchpush jar. In the single-file build the jar is appended to this script
# (a jar's directory sits at its end, so the JVM reads this very file as the jar); in the tar.gz the jar is in
# ../lib. The script finds Java 17+ (JAVA_HOME, then PATH) and execs it, so signals sent to batchpush reach the JVM.
#
# Start-up is batchpush's main cost, so the JVM runs C1-only with the serial GC and a small heap, and from the
# second run on with an archive of batchpush's classes, made in the background by the first run in
# ${XDG_CACHE_HOME:-~/.cache}/batchpush: a class-data-sharing archive, or on Java 25+ an AOT cache, which also keeps
# the classes linked and the methods' profiles. BATCHPUSH_CDS=off turns that off; BATCHPUSH_JAVA_OPTS adds options.
# Every variable of this script is named bp_*: it runs in the user's environment, and assigning to a name exported
# there (home, version, key...) would change that variable for the JVM, and so for COMMAND.
bp_self=$0
bp_jar=@JAR@
bp_major=

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  bp_java=$JAVA_HOME/bin/java
elif ! bp_java=$(command -v java); then
  echo "batchpush: no java found: install Java 17 or later, or set JAVA_HOME" >&2
  exit 125
fi

# An older Java would fail with its own multi-line error and exit 1; say it on one line, with the documented 125.
# The JDK's release file tells the version without starting a JVM; where there is none, the JVM itself decides.
bp_home=${JAVA_HOME:-}
if [ -z "$bp_home" ] || [ "$bp_java" != "$bp_home/bin/java" ]; then
  bp_home=$(readlink -f "$bp_java" 2>/dev/null) && bp_home=${bp_home%/bin/java}
fi
if [ -n "$bp_home" ] && [ -r "$bp_home/release" ]; then
  while IFS= read -r bp_line; do
    case $bp_line in
      JAVA_VERSION=*)
        bp_version=${bp_line#JAVA_VERSION=}; bp_version=${bp_version#\"}; bp_version=${bp_version%\"}
        bp_major=${bp_version%%[!0-9]*}
        [ "$bp_major" = 1 ] && { bp_major=${bp_version#1.}; bp_major=${bp_major%%[!0-9]*}; }
        if [ -n "$bp_major" ] && [ "$bp_major" -lt 17 ]; then
          echo "batchpush: $bp_java is Java $bp_version; batchpush needs Java 17 or later (set JAVA_HOME to one)" >&2
          exit 125
        fi
        break ;;
    esac
  done <"$bp_home/release"
fi

# A 24 MiB initial heap means no GC at all in a typical run. -DisplayVMOutput: a SIGQUIT to batchpush would make
# the JVM print a thread dump on stdout, which is COMMAND's (Java cannot take QUIT over without -Xrs, and -Xrs would
# cost the TERM, INT and HUP handlers that pass signals on to COMMAND); the JVM's warnings and errors still go to
# stderr. bench/startup.sh reads these lines.
bp_flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -Xms24m -Xmx64m"
bp_flags="$bp_flags -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput"

# Any failure below only means a run without the archive: never a failed run.
bp_aot=no bp_ext=jsa
if [ "${bp_major:-0}" -ge 25 ] 2>/dev/null; then bp_aot=yes bp_ext=aot; fi
bp_cds=
if [ "${BATCHPUSH_CDS:-on}" != off ]; then
  bp_cache=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/batchpush
  # The archive is only valid for this jar and this JVM: key it by their size, time and inode.
  if bp_key=$(stat -L -c '%s-%Y-%i' "$bp_jar" "$bp_java" 2>/dev/null); then
    set -- $bp_key "$@"
    bp_archive="$bp_cache/batchpush-$1-$2.$bp_ext"
    shift 2
    if [ -f "$bp_archive" ]; then
      if [ "$bp_aot" = yes ]; then bp_cds=-XX:AOTCache=$bp_archive
      else bp_cds=-XX:SharedArchiveFile=$bp_archive; fi
    elif [ -z "$(find "$bp_archive.failed" -mmin -1440 2>/dev/null)" ] && mkdir -p "$bp_cache" 2>/dev/null; then
      (
        # One trainer at a time; a lock left by a killed trainer expires after 10 minutes.
        bp_lock=$bp_archive.lock
        find "$bp_lock" -maxdepth 0 -mmin +10 -exec rmdir {} \; 2>/dev/null
        mkdir "$bp_lock" 2>/dev/null || exit 0
        bp_tmp=$bp_cache/training-$$
        trap 'rm -f "$bp_tmp.classlist" "$bp_tmp.$bp_ext" "$bp_tmp.$bp_ext.config" "$bp_tmp.crash"
          rmdir "$bp_lock"' EXIT
        # Archives of replaced jars or JVMs would pile up (one still in use is simply rebuilt once a month), and so
        # would the temporary files of trainers killed midway (Java 25 writes its cache from a child JVM, which can
        # outlive a killed trainer).
        find "$bp_cache" -maxdepth 1 \( -name 'batchpush-*.jsa' -mtime +30 -o -name 'batchpush-*.aot' -mtime +30 \
          -o -name 'batchpush-*.failed' -mmin +1440 -o -name 'training-*' -mmin +60 \) -exec rm -f {} + 2>/dev/null
        # The training run must not pick up the user's settings (textfile dir, credentials, spool).
        unset BATCHPUSH_GATEWAY BATCHPUSH_USERNAME BATCHPUSH_PASSWORD BATCHPUSH_PASSWORD_FILE BATCHPUSH_BEARER_TOKEN \
          BATCHPUSH_BEARER_TOKEN_FILE BATCHPUSH_CA_CERT BATCHPUSH_DEADLINE BATCHPUSH_SPOOL_DIR BATCHPUSH_TEXTFILE_DIR \
          BATCHPUSH_METRIC_PREFIX
        # Each archive must start a JVM before it is installed: a short one (a full disk) would crash every run. That
        # JVM's crash report goes to the cache, not to the cron job's working directory.
        if [ "$bp_aot" = yes ]; then
          # Same flags as the runs that will use it: the cache records them and refuses to serve other ones.
          "$bp_java" $bp_flags -XX:AOTCacheOutput="$bp_tmp.aot" -cp "$bp_jar" io.github.batchpush.cli.CdsTraining &&
            "$bp_java" $bp_flags -XX:ErrorFile="$bp_tmp.crash" -XX:AOTMode=on -XX:AOTCache="$bp_tmp.aot" \
              -cp "$bp_jar" io.github.batchpush.cli.BatchPushCli --version
        else
          "$bp_java" -Xshare:off $bp_flags -XX:DumpLoadedClassList="$bp_tmp.classlist" -cp "$bp_jar" \
              io.github.batchpush.cli.CdsTraining &&
            "$bp_java" -Xshare:dump -XX:+UseSerialGC -XX:-UsePerfData \
              -XX:SharedClassListFile="$bp_tmp.classlist" -XX:SharedArchiveFile="$bp_tmp.jsa" -cp "$bp_jar" &&
            "$bp_java" $bp_flags -XX:ErrorFile="$bp_tmp.crash" -Xshare:on -XX:SharedArchiveFile="$bp_tmp.jsa" \
              -cp "$bp_jar" io.github.batchpush.cli.BatchPushCli --version
        fi && [ -s "$bp_tmp.$bp_ext" ] && chmod 644 "$bp_tmp.$bp_ext" && mv -f "$bp_tmp.$bp_ext" "$bp_archive" ||
          : >"$bp_archive.failed" # a JVM that cannot build archives (or a full disk) is asked again a day later
      ) </dev/null >/dev/null 2>&1 &
    fi
  fi
fi

# Unified logging would print CDS warnings on stdout, which belongs to COMMAND. Java 25 reports an unusable AOT
# cache (damaged, or made with other options) as an error on every run; the run simply goes without it, so those
# stay quiet too. Only the cds tag is known to Java 17, and naming an unknown tag stops the JVM.
bp_quiet=
[ "$bp_aot" = yes ] && bp_quiet="-Xlog:aot*=off:stderr -Xlog:cds*=off:stderr"

# A stdin, stdout or stderr that is closed now would be taken by whatever the JVM opens first (the JDK's modules
# file, a pipe), and COMMAND would inherit that: say which, so that batchpush closes them for COMMAND again.
bp_closed=
if [ -d /proc/self/fd ]; then
  for bp_fd in 0 1 2; do [ -e /proc/self/fd/$bp_fd ] || bp_closed=$bp_closed$bp_fd; done
fi
exec "$bp_java" $bp_flags -Xlog:disable -Xlog:all=error:stderr $bp_quiet ${bp_cds:+"$bp_cds"} \
  ${bp_closed:+-Dbatchpush.closed-stdio=$bp_closed} ${BATCHPUSH_JAVA_OPTS:-} -jar "$bp_jar" "$@"
