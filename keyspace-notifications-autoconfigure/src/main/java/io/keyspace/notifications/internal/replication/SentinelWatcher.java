package io.keyspace.notifications.internal.replication;

import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.internal.reader.MessageListener;
import io.keyspace.notifications.internal.reader.NodeListener;
import io.keyspace.notifications.internal.reader.NodeSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears a failover the moment it completes: subscribes to {@code +switch-master} on one
 * sentinel and calls {@code onChange} for every message there (a switch of any master: the
 * topology read that follows is cheap and tells whether ours moved), and when its connection
 * opens (a switch may have happened while it was down). When the sentinel's connection is
 * lost it moves to the next sentinel, so one sentinel going down is tolerated; a periodic
 * topology read covers what is missed meanwhile.
 * <p>
 * Threading: the sentinel is read by one thread, {@code keyspace-sentinel-host:port}.
 * {@code current} is guarded by this object's monitor, held for memory updates and thread
 * starts only (closing the previous sentinel's reader happens after it is released); moves
 * run on {@code executor}, never on a reader thread.
 */
public final class SentinelWatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SentinelWatcher.class);

	static final byte[] SWITCH_MASTER = "+switch-master".getBytes(StandardCharsets.UTF_8);

	private final List<RedisNode> sentinels;

	private final ConnectionSettings settings;

	private final Runnable onChange;

	private final Executor executor;

	private int index;

	private NodeSubscriber current;

	private boolean closed;

	/**
	 * @param onChange asks for a topology read; called on a reader thread, must return quickly
	 * @param executor where a move to another sentinel runs
	 */
	public SentinelWatcher(List<RedisNode> sentinels, ConnectionSettings settings, Runnable onChange,
			Executor executor) {
		this.sentinels = List.copyOf(sentinels);
		this.settings = settings;
		this.onChange = onChange;
		this.executor = executor;
	}

	/** Starts watching the first sentinel; idempotent. Never blocks on the network. */
	public synchronized void start() {
		if (this.current == null && !this.closed) {
			watch(this.sentinels.get(this.index));
		}
	}

	/** Sends a PING when the sentinel connection has been quiet, so a dead one is noticed. */
	public void checkHealth() {
		NodeSubscriber watching;
		synchronized (this) {
			watching = this.current;
		}
		if (watching != null) {
			watching.checkHealth();
		}
	}

	@Override
	public void close() {
		NodeSubscriber closing;
		synchronized (this) {
			this.closed = true;
			closing = this.current;
			this.current = null;
		}
		if (closing != null) {
			closing.close();
		}
	}

	/** Holds the monitor. */
	private void watch(RedisNode sentinel) {
		MessageListener switches = (node, pattern, channel, message) -> {
			logger.info("Sentinel {} reports a master switch: {}", node, new String(message, StandardCharsets.UTF_8));
			this.onChange.run();
		};
		NodeListener connection = new NodeListener() {

			@Override
			public void onConnected(RedisNode node, boolean reconnect) {
				SentinelWatcher.this.onChange.run();
			}

			@Override
			public void onDisconnected(RedisNode node, Exception cause, boolean wasConnected, Instant lastHeard) {
				SentinelWatcher.this.executor.execute(() -> moveOn(node, cause));
			}

		};
		this.current = new NodeSubscriber(sentinel, "keyspace-sentinel-" + sentinel, this.settings, switches,
				connection);
		this.current.want(List.of(SWITCH_MASTER), List.of());
		this.current.start();
	}

	private void moveOn(RedisNode from, Exception cause) {
		NodeSubscriber old;
		synchronized (this) {
			if (this.closed || this.current == null || !this.current.node().equals(from)) {
				return;
			}
			old = this.current;
			this.index = (this.index + 1) % this.sentinels.size();
			RedisNode next = this.sentinels.get(this.index);
			logger.info("Lost the sentinel {} ({}); watching {} for master switches", from, cause.getMessage(), next);
			watch(next);
		}
		old.close();
	}

}
