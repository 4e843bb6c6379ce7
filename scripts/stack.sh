#!/usr/bin/env bash
# A local stack on loopback: one Apache Kafka broker (KRaft, from Maven Central
# jars) and one PostgreSQL server (Debian's), each in a run directory.
#
#   scripts/stack.sh up     start both (idempotent), create the topics, print
#                           `export IMAGINATOR_BROKERS=...` / `export IMAGINATOR_DATABASE_URL=...`
#                           lines for eval
#   scripts/stack.sh down   stop both (SIGTERM, then SIGKILL after a grace period)
#   scripts/stack.sh status
#   scripts/stack.sh kafka-start|kafka-stop|kafka-kill|pg-start|pg-stop|pg-kill
#                           (restart tests)
#
# Settings (environment): IMAGINATOR_RUN_DIR (default ./run), KAFKA_PORT (19092),
# KAFKA_CONTROLLER_PORT (19093), PG_PORT (15432), IMAGINATOR_KAFKA_JARS (where the
# jars are cached; default ~/.cache/imaginator/kafka-jars), IMAGINATOR_TOPIC_PARTITIONS (6).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
run=${IMAGINATOR_RUN_DIR:-$root/run}
kport=${KAFKA_PORT:-19092}
cport=${KAFKA_CONTROLLER_PORT:-19093}
pgport=${PG_PORT:-15432}
jars=${IMAGINATOR_KAFKA_JARS:-${HOME:-/root}/.cache/imaginator/kafka-jars}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

log() { echo "stack: $*" >&2; }
die() { echo "stack: $*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # port seconds what
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        port_open "$1" && return 0
        sleep 0.1
    done
    die "$3 did not open port $1 within $2 s (see $run/*.log)"
}
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

ensure_jars() {
    if [ -f "$jars/.complete" ]; then return; fi
    command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the Kafka jars"
    log "fetching Kafka broker jars into $jars (Maven Central)"
    mkdir -p "$jars"
    mvn -q -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$jars" >&2
    touch "$jars/.complete"
}

kafka_start() {
    alive "$run/kafka.pid" && return 0
    ensure_jars
    mkdir -p "$run/kafka-data"
    cat >"$run/kafka.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$kport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$kport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$run/kafka-data
num.partitions=${IMAGINATOR_TOPIC_PARTITIONS:-6}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
    cat >"$run/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$run/kafka-server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
    local java=(java -Xms256m -Xmx512m -Dlog4j.configuration="file:$run/log4j.properties"
        -cp "$jars/*")
    if [ ! -f "$run/kafka-data/meta.properties" ]; then
        local id
        id=$("${java[@]}" kafka.tools.StorageTool random-uuid)
        "${java[@]}" kafka.tools.StorageTool format -t "$id" -c "$run/kafka.properties" \
            --ignore-formatted >"$run/kafka-format.log" 2>&1
    fi
    nohup "${java[@]}" kafka.Kafka "$run/kafka.properties" >"$run/kafka.log" 2>&1 &
    echo $! >"$run/kafka.pid"
    wait_port "$kport" 90 "Kafka"
}

pg_start() {
    alive "$run/pg.pid" && return 0
    [ -n "$pgbin" ] || die "PostgreSQL is not installed (apt-get install postgresql)"
    local as=()
    if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
    mkdir -p "$run/pg"
    [ "$(id -u)" -eq 0 ] && chown postgres "$run/pg" && chmod 700 "$run/pg"
    if [ ! -f "$run/pg/PG_VERSION" ]; then
        "${as[@]}" "$pgbin/initdb" -D "$run/pg" -U imaginator --auth=trust -E UTF8 \
            --locale=C.UTF-8 >"$run/pg-init.log" 2>&1 || die "initdb failed (see $run/pg-init.log)"
    fi
    touch "$run/pg.log"
    [ "$(id -u)" -eq 0 ] && chown postgres "$run/pg.log"
    "${as[@]}" "$pgbin/pg_ctl" -D "$run/pg" -l "$run/pg.log" -w -t 60 \
        -o "-p $pgport -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
        start >/dev/null
    head -n 1 "$run/pg/postmaster.pid" >"$run/pg.pid"
    "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U imaginator imaginator 2>/dev/null || true
}

stop_pid() { # pidfile signal grace
    alive "$1" || { rm -f "$1"; return 0; }
    local pid i
    pid=$(cat "$1")
    kill "-$2" "$pid" 2>/dev/null || true
    for ((i = 0; i < $3 * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$1"
}

pg_stop() {
    if alive "$run/pg.pid"; then
        local as=()
        [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
        "${as[@]}" "$pgbin/pg_ctl" -D "$run/pg" -m fast -w stop >/dev/null 2>&1 || true
    fi
    stop_pid "$run/pg.pid" TERM 10
}

create_topics() {
    local bin=${IMAGINATOR_BIN:-$root/build/imaginator}
    if [ -x "$bin" ] && "$bin" --help 2>/dev/null | grep -q "topics"; then
        IMAGINATOR_BROKERS="127.0.0.1:$kport" "$bin" topics ensure >&2
    fi
}

print_env() {
    echo "export IMAGINATOR_BROKERS=127.0.0.1:$kport"
    echo "export IMAGINATOR_DATABASE_URL=postgresql://imaginator@127.0.0.1:$pgport/imaginator"
}

case "${1:-}" in
up)
    mkdir -p "$run"
    pg_start
    kafka_start
    create_topics
    print_env
    ;;
down)
    stop_pid "$run/kafka.pid" TERM 30
    pg_stop
    ;;
status)
    alive "$run/kafka.pid" && echo "kafka: running (pid $(cat "$run/kafka.pid"), port $kport)" ||
        echo "kafka: stopped"
    alive "$run/pg.pid" && echo "postgresql: running (pid $(cat "$run/pg.pid"), port $pgport)" ||
        echo "postgresql: stopped"
    ;;
env) print_env ;;
kafka-start) mkdir -p "$run"; kafka_start ;;
kafka-stop) stop_pid "$run/kafka.pid" TERM 30 ;;
kafka-kill) stop_pid "$run/kafka.pid" KILL 5 ;;
pg-start) mkdir -p "$run"; pg_start ;;
pg-stop) pg_stop ;;
pg-kill) stop_pid "$run/pg.pid" KILL 5 ;;
*) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac
