package io.keyspace.notifications.reader;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * One subscriber connection and one reader thread for one Redis node.
 * <p>
 * The reader thread only reads frames and hands each message to a {@link MessageListener};
 * it never runs user code, so a slow handler cannot make the server drop the connection for
 * exceeding its pub/sub output buffer. Subscriptions can be changed from any thread: the
 * wanted set is kept here and replayed on every reconnect, so a dropped connection, a
 * {@code CLIENT KILL} or a server restart only costs the messages published while nobody
 * was connected. A lost connection is logged once at WARN, its recovery once at INFO.
 */
public final class NodeSubscriber implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NodeSubscriber.class);

	private static final String SERVER_CLOSED_HINT = " The server closed the connection: a restart, a CLIENT KILL, "
			+ "or a subscriber whose pub/sub output buffer passed client-output-buffer-limit (handlers slower than "
			+ "the write rate), in which case everything the server had buffered for us is lost too.";

	private final RedisNode node;

	private final String nodeName;

	private final ConnectionSettings settings;

	private final JedisClientConfig jedisConfig;

	private final MessageListener messageListener;

	private final ConnectionListener connectionListener;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	// Wanted subscriptions, keyed by the ISO-8859-1 view of their bytes (a lossless,
	// allocation-light way to hash byte arrays). Guarded by lock.
	private final Map<String, byte[]> channels = new HashMap<>();

	private final Map<String, byte[]> patterns = new HashMap<>();

	// What the server confirmed on the current connection; written by the reader thread.
	private final Set<String> confirmedChannels = ConcurrentHashMap.newKeySet();

	private final Set<String> confirmedPatterns = ConcurrentHashMap.newKeySet();

	private final AtomicLong framesRead = new AtomicLong();

	private long framesAtLastHealthCheck = -1;

	private PubSubConnection connection; // guarded by lock; null while disconnected

	private volatile boolean closed;

	private Thread reader;

	public NodeSubscriber(RedisNode node, ConnectionSettings settings, MessageListener messageListener,
			ConnectionListener connectionListener) {
		this.node = node;
		this.nodeName = node.toString();
		this.settings = settings;
		this.jedisConfig = settings.toJedisConfig();
		this.messageListener = messageListener;
		this.connectionListener = connectionListener;
	}

	public RedisNode node() {
		return this.node;
	}

	/**
	 * Connects and starts the reader thread. The first connection is made on the caller's
	 * thread so that a wrong address or password fails here, with the node named, instead of
	 * in a log line of a background thread.
	 * @throws NodeConnectionException if the node cannot be reached or rejects the login
	 */
	public void start() {
		PubSubConnection first = connect();
		this.lock.lock();
		try {
			if (this.closed) {
				first.close();
				return;
			}
			attach(first);
		}
		finally {
			this.lock.unlock();
		}
		this.reader = new Thread(() -> readUntilClosed(first), "keyspace-reader-" + this.nodeName);
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Adds channels (SUBSCRIBE) and patterns (PSUBSCRIBE). While connected, waits until the
	 * server confirmed them, so that a key written after this method returns is notified;
	 * while disconnected they are subscribed by the next reconnect.
	 * @throws NodeConnectionException if a connected server did not confirm within the
	 * command timeout
	 */
	public void subscribe(Collection<byte[]> newChannels, Collection<byte[]> newPatterns) {
		List<byte[]> toSubscribe;
		List<byte[]> toPsubscribe;
		this.lock.lock();
		try {
			toSubscribe = addAll(this.channels, newChannels);
			toPsubscribe = addAll(this.patterns, newPatterns);
			send(Command.SUBSCRIBE, toSubscribe);
			send(Command.PSUBSCRIBE, toPsubscribe);
			awaitConfirmed(newChannels, newPatterns);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Removes channels and patterns; messages already in flight for them are ignored by the caller's registry. */
	public void unsubscribe(Collection<byte[]> oldChannels, Collection<byte[]> oldPatterns) {
		this.lock.lock();
		try {
			send(Command.UNSUBSCRIBE, removeAll(this.channels, oldChannels));
			send(Command.PUNSUBSCRIBE, removeAll(this.patterns, oldPatterns));
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Whether the subscriber connection is currently up. */
	public boolean isConnected() {
		this.lock.lock();
		try {
			return this.connection != null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The channels and patterns the server has confirmed on the current connection. */
	public Set<String> confirmedSubscriptions() {
		Set<String> all = new TreeSet<>();
		this.confirmedChannels.forEach((c) -> all.add(utf8(c)));
		this.confirmedPatterns.forEach((p) -> all.add(utf8(p)));
		return all;
	}

	/**
	 * Sends a PING when nothing arrived since the previous check. The reader's read timeout
	 * is two intervals plus the command timeout, so a peer that stopped answering is noticed
	 * and reconnected instead of silently delivering nothing. Called by a scheduler every
	 * health-check interval.
	 */
	public void checkHealth() {
		long frames = this.framesRead.get();
		if (frames != this.framesAtLastHealthCheck) {
			this.framesAtLastHealthCheck = frames;
			return;
		}
		this.lock.lock();
		try {
			send(Command.PING, List.of());
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Closes the connection and stops the reader thread; idempotent. */
	@Override
	public void close() {
		Thread readerThread;
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			detach();
			this.changed.signalAll();
			readerThread = this.reader;
		}
		finally {
			this.lock.unlock();
		}
		if (readerThread != null && readerThread != Thread.currentThread()) {
			try {
				readerThread.join(this.settings.commandTimeout().toMillis() + 1000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public String toString() {
		return "NodeSubscriber[" + this.nodeName + "]";
	}

	private PubSubConnection connect() {
		try {
			PubSubConnection connection = new PubSubConnection(this.node, this.jedisConfig);
			connection.setSoTimeout(Math.toIntExact(this.settings.readTimeout().toMillis()));
			return connection;
		}
		catch (RuntimeException ex) {
			throw new NodeConnectionException(this.node, ex);
		}
	}

	private void readUntilClosed(PubSubConnection first) {
		PubSubConnection current = first;
		int failedAttempts = 0;
		while (!this.closed) {
			try {
				if (current == null) {
					current = reconnect(failedAttempts);
					failedAttempts = 0;
				}
				readFrames(current);
			}
			catch (RuntimeException ex) {
				endOfBurst(); // hand over what was read before the connection broke
				boolean firstFailure = (failedAttempts == 0);
				failedAttempts++;
				this.lock.lock();
				try {
					if (this.connection == current) {
						detach();
					}
				}
				finally {
					this.lock.unlock();
				}
				current = null;
				if (this.closed) {
					break;
				}
				if (firstFailure) {
					logger.warn("Lost the keyspace subscriber connection to {} ({}); reconnecting with backoff up to {}. "
							+ "Notifications published while disconnected are lost.{}", this.nodeName, describe(ex),
							this.settings.backoff().max(), closedByServer(ex) ? SERVER_CLOSED_HINT : "");
					this.messageListener.onDisconnected();
					notifyListener(() -> this.connectionListener.onConnectionLost(this.node, ex));
				}
				else {
					logger.debug("Reconnect attempt {} to {} failed: {}", failedAttempts - 1, this.nodeName, describe(ex));
				}
				pause(this.settings.backoff().delayMillis(failedAttempts));
			}
		}
	}

	private PubSubConnection reconnect(int failedAttempts) {
		PubSubConnection fresh = connect();
		int channelCount;
		int patternCount;
		this.lock.lock();
		try {
			if (this.closed) {
				fresh.close();
				throw new NodeConnectionException(this.node, new IllegalStateException("closed"));
			}
			attach(fresh);
			channelCount = this.channels.size();
			patternCount = this.patterns.size();
		}
		finally {
			this.lock.unlock();
		}
		logger.info("Reconnected the keyspace subscriber to {} after {} failed attempt(s); resubscribed {} channel(s) and {} pattern(s)",
				this.nodeName, failedAttempts - 1, channelCount, patternCount);
		notifyListener(() -> this.connectionListener.onConnected(this.node, true));
		return fresh;
	}

	/** Makes a new connection current and replays every wanted subscription on it. Holds lock. */
	private void attach(PubSubConnection fresh) {
		this.connection = fresh;
		this.confirmedChannels.clear();
		this.confirmedPatterns.clear();
		send(Command.SUBSCRIBE, new ArrayList<>(this.channels.values()));
		send(Command.PSUBSCRIBE, new ArrayList<>(this.patterns.values()));
	}

	/** Drops the current connection; the reader notices and reconnects unless closed. Holds lock. */
	private void detach() {
		PubSubConnection old = this.connection;
		this.connection = null;
		this.confirmedChannels.clear();
		this.confirmedPatterns.clear();
		if (old != null) {
			try {
				old.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the connection to {} failed", this.nodeName, ex);
			}
		}
	}

	/** Writes a command if connected. A write error is left for the reader to notice. Holds lock. */
	private void send(Command command, List<byte[]> args) {
		if (this.connection == null || (args.isEmpty() && command != Command.PING)) {
			return;
		}
		try {
			this.connection.send(command, args.toArray(new byte[0][]));
		}
		catch (RuntimeException ex) {
			logger.debug("Writing {} to {} failed; the reader will reconnect", command, this.nodeName, ex);
			this.connection.setBroken();
		}
	}

	/** Waits for the server's confirmations while connected. Holds lock. */
	private void awaitConfirmed(Collection<byte[]> wantedChannels, Collection<byte[]> wantedPatterns) {
		long remaining = this.settings.commandTimeout().toNanos();
		while (this.connection != null && !this.closed
				&& !(containsAll(this.confirmedChannels, wantedChannels) && containsAll(this.confirmedPatterns, wantedPatterns))) {
			if (remaining <= 0) {
				throw new NodeConnectionException(this.node, new IllegalStateException(
						"SUBSCRIBE was not confirmed within " + this.settings.commandTimeout()));
			}
			try {
				remaining = this.changed.awaitNanos(remaining);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void readFrames(PubSubConnection connection) {
		while (!this.closed) {
			Object reply;
			try {
				reply = connection.getUnflushedObject();
			}
			catch (JedisDataException ex) {
				// An error reply (e.g. NOPERM for a channel) answers one command; the connection is fine.
				logger.warn("{} rejected a subscription command: {}", this.nodeName, ex.getMessage());
				continue;
			}
			this.framesRead.lazySet(this.framesRead.get() + 1);
			if (reply instanceof List<?> frame) {
				handleFrame(frame);
			}
			if (!connection.hasBufferedInput()) {
				endOfBurst();
			}
		}
	}

	private void handleFrame(List<?> frame) {
		byte[] kind = (byte[]) frame.get(0);
		switch (kind.length) {
			case 7 -> deliver(null, (byte[]) frame.get(1), (byte[]) frame.get(2)); // message
			case 8 -> deliver((byte[]) frame.get(1), (byte[]) frame.get(2), (byte[]) frame.get(3)); // pmessage
			case 9 -> confirm(this.confirmedChannels, frame, true); // subscribe
			case 10 -> confirm(this.confirmedPatterns, frame, true); // psubscribe
			case 11 -> confirm(this.confirmedChannels, frame, false); // unsubscribe
			case 12 -> confirm(this.confirmedPatterns, frame, false); // punsubscribe
			default -> {
				// pong: only proves the connection is alive
			}
		}
	}

	private void deliver(byte[] pattern, byte[] channel, byte[] message) {
		try {
			this.messageListener.onMessage(this.nodeName, pattern, channel, message);
		}
		catch (RuntimeException ex) {
			// The listener is ours and should not throw; if it does, keep reading anyway.
			logger.error("Processing a message from {} failed", this.nodeName, ex);
		}
	}

	/** A listener that throws must neither kill the reader nor count as a connection failure. */
	private void notifyListener(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.warn("The connection listener of {} failed", this.nodeName, ex);
		}
	}

	private void endOfBurst() {
		try {
			this.messageListener.endOfBurst();
		}
		catch (RuntimeException ex) {
			logger.error("Handing over messages from {} failed", this.nodeName, ex);
		}
	}

	private void confirm(Set<String> confirmed, List<?> frame, boolean added) {
		String name = latin1((byte[]) frame.get(1));
		this.lock.lock();
		try {
			if (added) {
				confirmed.add(name);
			}
			else {
				confirmed.remove(name);
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void pause(long millis) {
		this.lock.lock();
		try {
			long remaining = TimeUnit.MILLISECONDS.toNanos(millis);
			while (!this.closed && remaining > 0) {
				remaining = this.changed.awaitNanos(remaining);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.closed = true;
		}
		finally {
			this.lock.unlock();
		}
	}

	private static List<byte[]> addAll(Map<String, byte[]> wanted, Collection<byte[]> names) {
		List<byte[]> added = new ArrayList<>();
		for (byte[] name : names) {
			if (wanted.putIfAbsent(latin1(name), name) == null) {
				added.add(name);
			}
		}
		return added;
	}

	private static List<byte[]> removeAll(Map<String, byte[]> wanted, Collection<byte[]> names) {
		List<byte[]> removed = new ArrayList<>();
		for (byte[] name : names) {
			if (wanted.remove(latin1(name)) != null) {
				removed.add(name);
			}
		}
		return removed;
	}

	private static boolean containsAll(Set<String> confirmed, Collection<byte[]> names) {
		for (byte[] name : names) {
			if (!confirmed.contains(latin1(name))) {
				return false;
			}
		}
		return true;
	}

	private static String latin1(byte[] bytes) {
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	private static String utf8(String latin1) {
		return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
	}

	private static boolean closedByServer(Throwable ex) {
		return String.valueOf(ex.getMessage()).contains("Unexpected end of stream");
	}

	private static String describe(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == ex) ? String.valueOf(ex.getMessage()) : ex.getMessage() + ": " + root;
	}

	/** Receives every message read from a node, on that node's reader thread. */
	@FunctionalInterface
	public interface MessageListener {

		/**
		 * @param node {@code host:port} of the node
		 * @param pattern the matching pattern for a PSUBSCRIBE message, else {@code null}
		 * @param channel the channel the message was published on
		 * @param message the payload
		 */
		void onMessage(String node, byte[] pattern, byte[] channel, byte[] message);

		/**
		 * Called when no further message is buffered, right before the reader may block:
		 * the moment to hand over what was collected.
		 */
		default void endOfBurst() {
		}

		/** Called once when the connection is lost (not again for each failed reconnect attempt). */
		default void onDisconnected() {
		}

	}

	/** Hears about connection loss and recovery, e.g. to refresh a cluster's topology. */
	public interface ConnectionListener {

		ConnectionListener NONE = new ConnectionListener() {
		};

		default void onConnectionLost(RedisNode node, Exception cause) {
		}

		default void onConnected(RedisNode node, boolean reconnect) {
		}

	}

}
