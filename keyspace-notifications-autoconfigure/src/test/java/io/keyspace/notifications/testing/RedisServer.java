package io.keyspace.notifications.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

import static org.awaitility.Awaitility.await;

/**
 * One {@code redis-server} process on a free loopback port, with its own temp directory
 * (config file, log, cluster state). It can be stopped or killed and started again on the
 * same port, which is how tests simulate a node that goes away and comes back.
 * Processes are killed by a shutdown hook if a test forgets to close them. The same binary
 * also runs as a Redis Sentinel ({@link Builder#sentinel()}).
 */
public final class RedisServer implements AutoCloseable {

	/** Servers only ever bind here: tests must not expose Redis on the network. */
	public static final String HOST = "127.0.0.1";

	private static final String LOG_FILE = "redis.log";

	private static final String CONFIG_FILE = "redis.conf";

	// Owned by this class; a user value would break host()/port()/dir() or the log capture.
	private static final Set<String> MANAGED = Set.of("port", "bind", "dir", "daemonize", "logfile", "cluster-port",
			"include");

	private final Path binary;

	private final List<Directive> config;

	private final Duration startupTimeout;

	private final Path dir;

	private final boolean clusterEnabled;

	private final boolean sentinel;

	private final boolean keepRewrittenConfig;

	// Set by the first successful start; from then on a keepRewrittenConfig server owns its config file.
	private boolean configWritten;

	private int port;

	private int busPort;

	// Once a server has started, restarts must reuse its ports: clients and cluster peers know them.
	private boolean portsPinned;

	private Process process;

	private boolean closed;

	private RedisServer(Builder builder) {
		this.binary = (builder.binary != null) ? builder.binary : RedisBinary.path();
		this.config = List.copyOf(builder.config);
		this.startupTimeout = builder.startupTimeout;
		this.clusterEnabled = this.config.contains(new Directive("cluster-enabled", List.of("yes")));
		this.sentinel = builder.sentinel;
		this.keepRewrittenConfig = builder.keepRewrittenConfig || builder.sentinel;
		this.port = builder.port;
		this.portsPinned = builder.port != 0;
		if (this.portsPinned) {
			Processes.reservePort(this.port);
			this.busPort = this.clusterEnabled ? Processes.reservePort(0) : 0;
		}
		this.dir = Processes.newDirectory("redis-");
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts the process and waits until it answers PING. The first start picks free ports
	 * (retrying if another process grabs one first); later starts reuse them.
	 */
	public synchronized RedisServer start() {
		if (this.closed) {
			throw new IllegalStateException(this + " is closed");
		}
		if (isRunning()) {
			throw new IllegalStateException(this + " is already running");
		}
		int attempts = this.portsPinned ? 1 : 5;
		for (int attempt = 1;; attempt++) {
			if (!this.portsPinned) {
				choosePorts();
			}
			long logOffset = logSize();
			try {
				launch();
				awaitPing();
				this.portsPinned = true;
				this.configWritten = true;
				return this;
			}
			catch (IllegalStateException ex) {
				kill();
				boolean portTaken = logSince(logOffset).contains("Address already in use");
				if (!portTaken || attempt >= attempts) {
					throw ex;
				}
				releasePorts();
			}
		}
	}

	public String host() {
		return HOST;
	}

	public int port() {
		return this.port;
	}

	/** The cluster bus port, or 0 when {@code cluster-enabled} is not set. */
	public int busPort() {
		return this.busPort;
	}

	/** {@code "127.0.0.1:port"}. */
	public String hostAndPort() {
		return HOST + ":" + this.port;
	}

	/** A new connection; the caller closes it. */
	public Jedis jedis() {
		return new Jedis(HOST, this.port);
	}

	/** The node's own directory: config file, log, cluster state. */
	public Path dir() {
		return this.dir;
	}

	/**
	 * The config file the server runs with, in {@link #dir()}. A sentinel rewrites it with
	 * what it has learnt (its id, the current master, its peers).
	 */
	public Path configFile() {
		return this.dir.resolve(CONFIG_FILE);
	}

	/** Whether this server runs as a Redis Sentinel ({@link Builder#sentinel()}). */
	public boolean isSentinel() {
		return this.sentinel;
	}

	/** The process id while the server runs, e.g. to check from outside that it is gone. */
	public synchronized OptionalLong pid() {
		return isRunning() ? OptionalLong.of(this.process.pid()) : OptionalLong.empty();
	}

	public Path logFile() {
		return this.dir.resolve(LOG_FILE);
	}

	/** The last {@code lines} lines of the server log, for failure messages. */
	public String logTail(int lines) {
		try {
			List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/** Graceful stop ({@code SHUTDOWN NOSAVE NOW}), escalating to signals if the server does not exit. */
	public synchronized void stop() {
		if (isRunning()) {
			try (Jedis jedis = jedis()) {
				jedis.sendCommand(Protocol.Command.SHUTDOWN, "NOSAVE", "NOW");
			}
			catch (JedisException ex) {
				// Expected: the server drops the connection as it exits.
			}
			if (!waitForExit(Duration.ofSeconds(5))) {
				this.process.destroy();
				if (!waitForExit(Duration.ofSeconds(5))) {
					kill();
				}
			}
		}
		forget();
	}

	/** {@code kill -9}: the server gets no chance to tell clients or cluster peers. */
	public synchronized void kill() {
		if (this.process != null) {
			this.process.destroyForcibly();
			if (!waitForExit(Duration.ofSeconds(10))) {
				throw new IllegalStateException(this + " did not exit after SIGKILL");
			}
		}
		forget();
	}

	/**
	 * {@code kill -STOP}: the process keeps its sockets but answers nothing, like a host that
	 * hangs; {@link #thaw()} resumes it.
	 */
	public synchronized void freeze() {
		signal("STOP");
	}

	/** {@code kill -CONT}: resumes a frozen server. */
	public synchronized void thaw() {
		signal("CONT");
	}

	private void signal(String name) {
		if (this.process == null) {
			throw new IllegalStateException(this + " is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(this.process.pid())).inheritIO().start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + name + " of " + this + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Kills the process and deletes its directory; the server cannot be started again. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		kill();
		this.closed = true;
		releasePorts();
		Processes.deleteRecursively(this.dir);
	}

	@Override
	public String toString() {
		return (this.sentinel ? "redis-sentinel " : "redis-server ") + hostAndPort() + " (" + this.dir + ")";
	}

	private void choosePorts() {
		this.port = Processes.reservePort(0);
		this.busPort = this.clusterEnabled ? Processes.reservePort(0) : 0;
	}

	private void releasePorts() {
		Processes.releasePort(this.port);
		Processes.releasePort(this.busPort);
	}

	private void launch() {
		Path configFile = configFile();
		List<String> command = new ArrayList<>(List.of(this.binary.toString(), configFile.toString()));
		if (this.sentinel) {
			// The config file alone cannot select sentinel mode: "sentinel directive while not in sentinel mode".
			command.add("--sentinel");
		}
		try {
			if (!this.keepRewrittenConfig || !this.configWritten) {
				Files.writeString(configFile, configText(), StandardCharsets.UTF_8);
			}
			ProcessBuilder builder = new ProcessBuilder(command)
				.directory(this.dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + this.binary + " for " + this + ": " + ex.getMessage(), ex);
		}
		Processes.register(this.process);
	}

	private String configText() {
		StringBuilder text = new StringBuilder("# Written by ").append(getClass().getName()).append('\n');
		text.append("port ").append(this.port).append('\n');
		text.append("bind ").append(HOST).append('\n');
		text.append("dir ").append(quote(this.dir.toAbsolutePath().toString())).append('\n');
		text.append("daemonize no\n");
		// stdout goes to redis.log via the process redirect, which also captures config errors.
		text.append("logfile \"\"\n");
		if (this.clusterEnabled) {
			// An explicit bus port avoids needing port+10000 free (or even valid) as well.
			text.append("cluster-port ").append(this.busPort).append('\n');
		}
		for (Directive directive : this.config) {
			text.append(directive.name());
			directive.values().forEach((value) -> text.append(' ').append(value.isEmpty() ? "\"\"" : value));
			text.append('\n');
		}
		return text.toString();
	}

	private static String quote(String value) {
		return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
	}

	/** Waits until the server answers PING; fails at once with its log tail if it exits. */
	private void awaitPing() {
		await(this + " to answer PING").atMost(this.startupTimeout)
			.pollInterval(Duration.ofMillis(20))
			.ignoreExceptionsInstanceOf(JedisException.class)
			.untilAsserted(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(this + " exited with code " + this.process.exitValue()
							+ " during startup. Log tail:\n" + logTail(30));
				}
				try (Jedis jedis = new Jedis(HOST, this.port, 500)) {
					if (!"PONG".equals(jedis.ping())) {
						throw new AssertionError("no PONG. Log tail:\n" + logTail(30));
					}
				}
			});
	}

	private boolean waitForExit(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void forget() {
		if (this.process != null) {
			Processes.unregister(this.process);
			this.process = null;
		}
	}

	private long logSize() {
		try {
			return Files.exists(logFile()) ? Files.size(logFile()) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private String logSince(long offset) {
		try {
			byte[] all = Files.readAllBytes(logFile());
			return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** One line of the config file: a directive name and its arguments. */
	private record Directive(String name, List<String> values) {

		static Directive of(String name, String... values) {
			String key = name.toLowerCase(Locale.ROOT);
			if (MANAGED.contains(key)) {
				throw new IllegalArgumentException("'" + name + "' is managed by RedisServer"
						+ (key.equals("port") ? "; use port(int)" : ""));
			}
			for (String value : values) {
				if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
					throw new IllegalArgumentException("Config value of '" + name + "' contains a line break");
				}
			}
			return new Directive(key, List.of(values));
		}

	}

	/**
	 * Settings for a {@link RedisServer}; defaults are {@code save ""}, {@code appendonly no}
	 * and {@code repl-diskless-sync-delay 0}.
	 */
	public static final class Builder {

		// A list, not a map: some directives repeat (sentinel ..., client-output-buffer-limit ...) and order matters.
		private final List<Directive> config = new ArrayList<>();

		private int port;

		private Path binary;

		private Duration startupTimeout = Duration.ofSeconds(10);

		private boolean sentinel;

		private boolean keepRewrittenConfig;

		private Builder() {
			// No persistence: tests start from an empty server and must not leave files behind.
			config("save", "");
			config("appendonly", "no");
			// The default 5 s wait to batch replicas into one transfer would delay every replica attach.
			config("repl-diskless-sync-delay", "0");
		}

		/**
		 * Sets a config directive, replacing every earlier line of the same name (in the place
		 * of the first one). Values are written verbatim to the config file (so
		 * {@code "pubsub 32mb 8mb 60"} is three arguments); an empty value is written as
		 * {@code ""}. Use {@link #addConfig(String, String...)} for directives that repeat.
		 */
		public Builder config(String name, String... values) {
			Directive directive = Directive.of(name, values);
			int first = indexOf(directive.name());
			this.config.removeIf((line) -> line.name().equals(directive.name()));
			this.config.add((first >= 0) ? first : this.config.size(), directive);
			return this;
		}

		/**
		 * Adds a config line after the earlier ones, keeping lines of the same name: for
		 * directives that repeat, e.g.
		 * {@code addConfig("sentinel", "monitor", "mymaster", "127.0.0.1", "6379", "2")} then
		 * {@code addConfig("sentinel", "down-after-milliseconds", "mymaster", "1000")}. Lines
		 * are written in the order they were added.
		 */
		public Builder addConfig(String name, String... values) {
			this.config.add(Directive.of(name, values));
			return this;
		}

		/**
		 * Runs the binary as a Redis Sentinel ({@code redis-server <config> --sentinel}); add
		 * its {@code sentinel ...} lines with {@link #addConfig(String, String...)}. Implies
		 * {@link #keepRewrittenConfig()}: Sentinel records its state in its config file and
		 * needs it writable.
		 */
		public Builder sentinel() {
			this.sentinel = true;
			return this;
		}

		/** {@code replicaof host port}: the server starts as a replica of that master. */
		public Builder replicaOf(String host, int port) {
			return config("replicaof", host, Integer.toString(port));
		}

		/** {@code replicaof} the given (started) server. */
		public Builder replicaOf(RedisServer master) {
			return replicaOf(master.host(), master.port());
		}

		/**
		 * Writes the config file only for the first start: later starts use it as the server
		 * left it, so what {@code CONFIG REWRITE} (or a Sentinel reconfiguring the node)
		 * recorded there survives a restart, as in a real deployment. By default every start
		 * writes the builder's config afresh.
		 */
		public Builder keepRewrittenConfig() {
			this.keepRewrittenConfig = true;
			return this;
		}

		/** {@link #config(String, String...)} for each name/value pair. */
		public Builder config(Map<String, String> config) {
			config.forEach(this::config);
			return this;
		}

		/** Name/value pairs, e.g. {@code configPairs("notify-keyspace-events", "KEA")}. */
		public Builder configPairs(String... nameValuePairs) {
			if (nameValuePairs.length % 2 != 0) {
				throw new IllegalArgumentException("Expected name/value pairs but got " + Arrays.toString(nameValuePairs));
			}
			for (int i = 0; i < nameValuePairs.length; i += 2) {
				config(nameValuePairs[i], nameValuePairs[i + 1]);
			}
			return this;
		}

		/** A fixed port instead of a free one; mostly for tests of reconnect-to-same-address. */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/** A specific binary instead of {@link RedisBinary#path()}. */
		public Builder binary(Path binary) {
			this.binary = Objects.requireNonNull(binary);
			return this;
		}

		public Builder startupTimeout(Duration startupTimeout) {
			this.startupTimeout = Objects.requireNonNull(startupTimeout);
			return this;
		}

		/** A server that is not started yet (its directory exists already). */
		public RedisServer build() {
			if (!this.sentinel && indexOf("sentinel") >= 0) {
				// redis-server would only say "sentinel directive while not in sentinel mode" at startup.
				throw new IllegalStateException("'sentinel' config lines need sentinel mode: call sentinel()");
			}
			return new RedisServer(this);
		}

		private int indexOf(String name) {
			for (int i = 0; i < this.config.size(); i++) {
				if (this.config.get(i).name().equals(name)) {
					return i;
				}
			}
			return -1;
		}

		public RedisServer start() {
			RedisServer server = build();
			try {
				return server.start();
			}
			catch (RuntimeException ex) {
				server.close();
				throw ex;
			}
		}

	}

}
