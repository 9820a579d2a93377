package io.keyspace.notifications.reader;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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


	private final RedisNode node;

	private final String nodeName;

	private final ConnectionSettings settings;

	private final JedisClientConfig jedisConfig;

	private final MessageListener messageListener;

	private final ConnectionListener connectionListener;

	private final OutageReport outage;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final SubscriptionSet channels = new SubscriptionSet();

	private final SubscriptionSet patterns = new SubscriptionSet();

	private final AtomicLong framesRead = new AtomicLong();

	private long framesAtLastHealthCheck = -1;

	private PubSubConnection connection; // guarded by lock; null while disconnected

	private int rejections; // guarded by lock: error replies, e.g. NOPERM for a channel

	private String lastRejection; // guarded by lock

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
		this.outage = new OutageReport(this.nodeName, settings.backoff().max());
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
			toSubscribe = this.channels.add(newChannels);
			toPsubscribe = this.patterns.add(newPatterns);
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
			send(Command.UNSUBSCRIBE, this.channels.remove(oldChannels));
			send(Command.PUNSUBSCRIBE, this.patterns.remove(oldPatterns));
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The channels and patterns the server has confirmed on the current connection. */
	public Set<String> confirmedSubscriptions() {
		Set<String> all = new TreeSet<>();
		this.channels.copyConfirmedTo(all);
		this.patterns.copyConfirmedTo(all);
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
		while (!this.closed) {
			try {
				if (current == null) {
					current = reconnect();
				}
				readFrames(current);
			}
			catch (RuntimeException ex) {
				endOfBurst(); // hand over what was read before the connection broke
				detachIfCurrent(current);
				current = null;
				if (this.closed) {
					break;
				}
				if (this.outage.failed(ex)) {
					this.messageListener.onDisconnected();
					notifyListener(() -> this.connectionListener.onConnectionLost(this.node, ex));
				}
				pause(this.settings.backoff().delayMillis(this.outage.failedAttempts()));
			}
		}
		endOfBurst(); // closed between two frames: what was read still gets an outcome
	}

	private PubSubConnection reconnect() {
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
		this.outage.recovered(channelCount, patternCount);
		notifyListener(() -> this.connectionListener.onConnected(this.node, true));
		return fresh;
	}

	private void detachIfCurrent(PubSubConnection broken) {
		this.lock.lock();
		try {
			if (this.connection == broken) {
				detach();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Makes a new connection current and replays every wanted subscription on it. Holds lock. */
	private void attach(PubSubConnection fresh) {
		this.connection = fresh;
		this.channels.forgetConfirmations();
		this.patterns.forgetConfirmations();
		send(Command.SUBSCRIBE, this.channels.wanted());
		send(Command.PSUBSCRIBE, this.patterns.wanted());
	}

	/** Drops the current connection; the reader notices and reconnects unless closed. Holds lock. */
	private void detach() {
		PubSubConnection old = this.connection;
		this.connection = null;
		this.channels.forgetConfirmations();
		this.patterns.forgetConfirmations();
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
		int rejectionsBefore = this.rejections;
		while (this.connection != null && !this.closed
				&& !(this.channels.allConfirmed(wantedChannels) && this.patterns.allConfirmed(wantedPatterns))) {
			if (this.rejections != rejectionsBefore) {
				throw new NodeConnectionException(this.node, "the server rejected the subscription: " + this.lastRejection,
						"Grant the Redis user these channels: an ACL rule such as &__keyspace@0__:* (PSUBSCRIBE needs "
								+ "the pattern itself to be allowed), or allchannels");
			}
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
				rejected(ex.getMessage());
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

	private void rejected(String reason) {
		this.lock.lock();
		try {
			this.rejections++;
			this.lastRejection = reason;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void handleFrame(List<?> frame) {
		byte[] kind = (byte[]) frame.get(0);
		switch (kind.length) {
			case 7 -> deliver(null, (byte[]) frame.get(1), (byte[]) frame.get(2)); // message
			case 8 -> deliver((byte[]) frame.get(1), (byte[]) frame.get(2), (byte[]) frame.get(3)); // pmessage
			case 9 -> confirm(this.channels, frame, true); // subscribe
			case 10 -> confirm(this.patterns, frame, true); // psubscribe
			case 11 -> confirm(this.channels, frame, false); // unsubscribe
			case 12 -> confirm(this.patterns, frame, false); // punsubscribe
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

	private void confirm(SubscriptionSet set, List<?> frame, boolean subscribed) {
		this.lock.lock();
		try {
			set.confirm((byte[]) frame.get(1), subscribed);
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








}
