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
self=$0
jar=@JAR@

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java=$JAVA_HOME/bin/java
elif ! java=$(command -v java); then
  echo "batchpush: no java found: install Java 17 or later, or set JAVA_HOME" >&2
  exit 125
fi

# An older Java would fail with its own multi-line error and exit 1; say it on one line, with the documented 125.
# The JDK's release file tells the version without starting a JVM; where there is none, the JVM itself decides.
home=${JAVA_HOME:-}
if [ -z "$home" ] || [ "$java" != "$home/bin/java" ]; then
  home=$(readlink -f "$java" 2>/dev/null) && home=${home%/bin/java}
fi
if [ -n "$home" ] && [ -r "$home/release" ]; then
  while IFS= read -r line; do
    case $line in
      JAVA_VERSION=*)
        version=${line#JAVA_VERSION=}; version=${version#\"}; version=${version%\"}
        major=${version%%[!0-9]*}
        [ "$major" = 1 ] && { major=${version#1.}; major=${major%%[!0-9]*}; }
        if [ -n "$major" ] && [ "$major" -lt 17 ]; then
          echo "batchpush: $java is Java $version; batchpush needs Java 17 or later (set JAVA_HOME to one)" >&2
          exit 125
        fi
        break ;;
    esac
  done <"$home/release"
fi

# A 24 MiB initial heap means no GC at all in a typical run. -DisplayVMOutput: a SIGQUIT to batchpush would make
# the JVM print a thread dump on stdout, which is COMMAND's (Java cannot take QUIT over without -Xrs, and -Xrs would
# cost the TERM, INT and HUP handlers that pass signals on to COMMAND); the JVM's warnings and errors still go to
# stderr. bench/startup.sh reads these lines.
flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -Xms24m -Xmx64m"
flags="$flags -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput"

# Any failure below only means a run without the archive: never a failed run.
aot=no ext=jsa
if [ "${major:-0}" -ge 25 ] 2>/dev/null; then aot=yes ext=aot; fi
cds=
if [ "${BATCHPUSH_CDS:-on}" != off ]; then
  cache=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/batchpush
  # The archive is only valid for this jar and this JVM: key it by their size, time and inode.
  if key=$(stat -L -c '%s-%Y-%i' "$jar" "$java" 2>/dev/null); then
    set -- $key "$@"
    archive="$cache/batchpush-$1-$2.$ext"
    shift 2
    if [ -f "$archive" ]; then
      if [ "$aot" = yes ]; then cds=-XX:AOTCache=$archive; else cds=-XX:SharedArchiveFile=$archive; fi
    elif [ -z "$(find "$archive.failed" -mmin -1440 2>/dev/null)" ] && mkdir -p "$cache" 2>/dev/null; then
      (
        # One trainer at a time; a lock left by a killed trainer expires after 10 minutes.
        lock=$archive.lock
        find "$lock" -maxdepth 0 -mmin +10 -exec rmdir {} \; 2>/dev/null
        mkdir "$lock" 2>/dev/null || exit 0
        tmp=$cache/training-$$
        trap 'rm -f "$tmp.classlist" "$tmp.$ext" "$tmp.$ext.config" "$tmp.crash"; rmdir "$lock"' EXIT
        # Archives of replaced jars or JVMs would pile up (one still in use is simply rebuilt once a month), and so
        # would the temporary files of trainers killed midway (Java 25 writes its cache from a child JVM, which can
        # outlive a killed trainer).
        find "$cache" -maxdepth 1 \( -name 'batchpush-*.jsa' -mtime +30 -o -name 'batchpush-*.aot' -mtime +30 \
          -o -name 'batchpush-*.failed' -mmin +1440 -o -name 'training-*' -mmin +60 \) -exec rm -f {} + 2>/dev/null
        # The training run must not pick up the user's settings (textfile dir, credentials, spool).
        unset BATCHPUSH_GATEWAY BATCHPUSH_USERNAME BATCHPUSH_PASSWORD BATCHPUSH_PASSWORD_FILE BATCHPUSH_BEARER_TOKEN \
          BATCHPUSH_BEARER_TOKEN_FILE BATCHPUSH_CA_CERT BATCHPUSH_DEADLINE BATCHPUSH_SPOOL_DIR BATCHPUSH_TEXTFILE_DIR \
          BATCHPUSH_METRIC_PREFIX
        # Each archive must start a JVM before it is installed: a short one (a full disk) would crash every run. That
        # JVM's crash report goes to the cache, not to the cron job's working directory.
        if [ "$aot" = yes ]; then
          # Same flags as the runs that will use it: the cache records them and refuses to serve other ones.
          "$java" $flags -XX:AOTCacheOutput="$tmp.aot" -cp "$jar" io.github.batchpush.cli.CdsTraining &&
            "$java" $flags -XX:ErrorFile="$tmp.crash" -XX:AOTMode=on -XX:AOTCache="$tmp.aot" -cp "$jar" \
              io.github.batchpush.cli.BatchPushCli --version
        else
          "$java" -Xshare:off $flags -XX:DumpLoadedClassList="$tmp.classlist" -cp "$jar" \
              io.github.batchpush.cli.CdsTraining &&
            "$java" -Xshare:dump -XX:+UseSerialGC -XX:-UsePerfData -XX:SharedClassListFile="$tmp.classlist" \
              -XX:SharedArchiveFile="$tmp.jsa" -cp "$jar" &&
            "$java" $flags -XX:ErrorFile="$tmp.crash" -Xshare:on -XX:SharedArchiveFile="$tmp.jsa" -cp "$jar" \
              io.github.batchpush.cli.BatchPushCli --version
        fi && [ -s "$tmp.$ext" ] && chmod 644 "$tmp.$ext" && mv -f "$tmp.$ext" "$archive" ||
          : >"$archive.failed" # a JVM that cannot build archives (or a full disk) is asked again a day later
      ) </dev/null >/dev/null 2>&1 &
    fi
  fi
fi

# Unified logging would print CDS warnings on stdout, which belongs to COMMAND. Java 25 reports an unusable AOT
# cache (damaged, or made with other options) as an error on every run; the run simply goes without it, so those
# stay quiet too. Only the cds tag is known to Java 17, and naming an unknown tag stops the JVM.
quiet=
[ "$aot" = yes ] && quiet="-Xlog:aot*=off:stderr -Xlog:cds*=off:stderr"
exec "$java" $flags -Xlog:disable -Xlog:all=error:stderr $quiet ${cds:+"$cds"} ${BATCHPUSH_JAVA_OPTS:-} -jar "$jar" "$@"
