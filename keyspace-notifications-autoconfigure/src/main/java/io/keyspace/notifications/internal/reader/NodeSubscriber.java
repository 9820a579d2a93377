package io.keyspace.notifications.internal.reader;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.NodeConnectionException;
import io.keyspace.notifications.NodeStatus;
import io.keyspace.notifications.RedisNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * One subscriber connection and one reader thread for one Redis node.
 * <p>
 * The reader thread connects, reads frames and hands each message to a
 * {@link MessageListener}; it runs no slow user code (the dispatcher may call a proven-fast
 * handler inline), so a slow handler cannot make the server drop the connection for exceeding
 * its pub/sub output buffer. It reports connected, lost
 * and confirmed to one {@link NodeListener}.
 * <p>
 * Subscriptions are desired state: {@link #want} and {@link #unwant} change what this node
 * should have (memory only), {@link #sync()} sends the difference on the current connection,
 * and every new connection gets all of it, so a dropped connection, a {@code CLIENT KILL} or
 * a server restart only costs the messages published while nobody was connected.
 * <p>
 * Threading: {@code lock} guards the wanted/sent sets and the connection, for memory updates
 * only: it is never held while connecting, reading, writing or closing a socket, so a status
 * read or a subscription never waits behind this node's network. It is the last lock in any
 * lock order: nothing is called out of this class while it is held. Commands are written
 * through a {@code WriteHandOff}, which keeps them in the order their differences were taken
 * and never makes a thread wait for another's write.
 */
public final class NodeSubscriber implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NodeSubscriber.class);

	private final RedisNode node;

	private final String nodeName;

	private final ConnectionSettings settings;

	private final JedisClientConfig jedisConfig;

	private final MessageListener messageListener;

	private final NodeListener nodeListener;

	private final RoleListener roleListener; // null: the role is not asked

	private final OutageReport outage;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	/** Its lock is held across a socket write and taken before {@code lock}, never after. */
	private final WriteHandOff writes = new WriteHandOff(this::takePending);

	private final AtomicBoolean pingWanted = new AtomicBoolean();

	private final AtomicBoolean roleRefusedLogged = new AtomicBoolean();

	private final String threadName;

	private final SubscriptionSet channels = new SubscriptionSet();

	private final SubscriptionSet patterns = new SubscriptionSet();

	private final AtomicLong framesRead = new AtomicLong();

	private final FrameReader frames = new FrameReader(); // the reader thread's, for every connection it opens

	private final AtomicLong reconnects = new AtomicLong();

	private final AtomicLong messagesRead = new AtomicLong(); // written by the reader thread only

	private volatile long lastReadMillis; // 0 until the first burst; written once per burst

	private long connectedMillis; // the reader thread's own: when the current connection was opened

	private long framesAtLastHealthCheck = -1; // the health-check thread's own

	// Guarded by lock.
	private PubSubConnection connection; // null while disconnected

	private boolean everConnected;

	private NodeConnectionException firstConnectFailure; // set while the first connection cannot be made

	private int rejections; // error replies, e.g. NOPERM for a channel

	private String lastRejection;

	private boolean confirmedReported;

	private Thread reader;

	private volatile boolean closed;

	/** A reader of a data node, its thread named {@code keyspace-reader-host:port}. */
	public NodeSubscriber(RedisNode node, ConnectionSettings settings, MessageListener messageListener,
			NodeListener nodeListener) {
		this(node, "keyspace-reader-" + node, settings, messageListener, nodeListener);
	}

	/** @param threadName the reader thread's name, which says what the node is read for */
	public NodeSubscriber(RedisNode node, String threadName, ConnectionSettings settings,
			MessageListener messageListener, NodeListener nodeListener) {
		this(node, threadName, settings, messageListener, nodeListener, null);
	}

	/** @param roleListener told the node's {@code ROLE} on every new connection, before it subscribes */
	public NodeSubscriber(RedisNode node, String threadName, ConnectionSettings settings,
			MessageListener messageListener, NodeListener nodeListener, RoleListener roleListener) {
		this.node = node;
		this.roleListener = roleListener;
		this.nodeName = node.toString();
		this.threadName = threadName;
		this.settings = settings;
		// The handshake (HELLO, AUTH, SELECT, CLIENT SETINFO) is a command like any other: a
		// server that accepts the connection but never answers fails it after the command
		// timeout. connect() then switches to the (longer) read timeout for pub/sub frames.
		this.jedisConfig = settings.jedisConfig(settings.commandTimeout());
		this.messageListener = messageListener;
		this.nodeListener = nodeListener;
		this.outage = new OutageReport(this.nodeName, settings.backoff().max());
	}

	public RedisNode node() {
		return this.node;
	}

	/** Starts the reader thread, which connects; idempotent. Never blocks on the network. */
	public void start() {
		this.lock.lock();
		try {
			if (this.reader != null || this.closed) {
				return;
			}
			this.reader = new Thread(this::readUntilClosed, this.threadName);
			this.reader.setDaemon(true);
			this.reader.start();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Adds channels (SUBSCRIBE) and patterns (PSUBSCRIBE) to the wanted set; {@link #sync()} sends them. */
	public void want(Collection<byte[]> newChannels, Collection<byte[]> newPatterns) {
		this.lock.lock();
		try {
			this.channels.want(newChannels);
			this.patterns.want(newPatterns);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Removes channels and patterns from the wanted set; messages already in flight are ignored by the registry. */
	public void unwant(Collection<byte[]> oldChannels, Collection<byte[]> oldPatterns) {
		this.lock.lock();
		try {
			this.channels.unwant(oldChannels);
			this.patterns.unwant(oldPatterns);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Sends what the wanted sets gained or lost since the last send, if connected: now, or, while
	 * another thread is writing to this node, by that thread right after its write.
	 */
	public void sync() {
		this.writes.request();
	}

	/**
	 * Waits until the server confirmed the given names (those still wanted). Returns at once
	 * while an established connection is down: the reconnect subscribes them.
	 * @throws NodeConnectionException if the first connection cannot be made, the server
	 * rejected a subscription, or a connected server did not confirm within {@code timeout}
	 */
	public void awaitConfirmed(Collection<byte[]> wantedChannels, Collection<byte[]> wantedPatterns,
			Duration timeout) {
		List<byte[]> names = List.copyOf(wantedChannels);
		List<byte[]> patternNames = List.copyOf(wantedPatterns);
		long remaining = timeout.toNanos();
		this.lock.lock();
		try {
			int rejectionsBefore = this.rejections;
			// Where to look on: the names before are settled (confirmed names stay confirmed but
			// for a new connection, which the final pass over them all catches).
			int[] from = new int[2];
			while (!this.closed && !allSettled(names, patternNames, from)) {
				if (this.rejections != rejectionsBefore) {
					throw new NodeConnectionException(this.node,
							"the server rejected the subscription: " + this.lastRejection,
							"Grant the Redis user these channels: an ACL rule such as &__keyspace@0__:* (PSUBSCRIBE "
									+ "needs the pattern itself to be allowed), or allchannels");
				}
				if (!this.everConnected && this.firstConnectFailure != null) {
					throw this.firstConnectFailure;
				}
				if (this.everConnected && this.connection == null) {
					return;
				}
				if (remaining <= 0) {
					throw new NodeConnectionException(this.node,
							new IllegalStateException("SUBSCRIBE was not confirmed within " + timeout));
				}
				remaining = this.changed.awaitNanos(remaining);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Whether every name is settled, looking on from {@code from} (channels, patterns), which
	 * it advances, and once both reach the end over all of them again. Holds lock.
	 */
	private boolean allSettled(List<byte[]> names, List<byte[]> patternNames, int[] from) {
		boolean fromStart = from[0] == 0 && from[1] == 0;
		from[0] = this.channels.firstUnsettled(names, from[0]);
		from[1] = this.patterns.firstUnsettled(patternNames, from[1]);
		if (from[0] < names.size() || from[1] < patternNames.size()) {
			return false;
		}
		if (fromStart) {
			return true;
		}
		from[0] = this.channels.firstUnsettled(names, 0);
		from[1] = this.patterns.firstUnsettled(patternNames, 0);
		return from[0] == names.size() && from[1] == patternNames.size();
	}

	/** Whether a connection is open now. */
	public boolean isConnected() {
		this.lock.lock();
		try {
			return this.connection != null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Whether the node is known to be unreachable: a connection was lost and not reopened yet,
	 * or the first connection failed. A reader still making its first connection is not down.
	 */
	public boolean isDown() {
		this.lock.lock();
		try {
			return this.connection == null && (this.everConnected || this.firstConnectFailure != null);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Whether a connection was ever opened: the reader is reading, or reconnecting after an outage. */
	public boolean hasConnected() {
		this.lock.lock();
		try {
			return this.everConnected;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Whether a connection is open and the server confirmed every wanted subscription on it. */
	public boolean isFullySubscribed() {
		this.lock.lock();
		try {
			return this.connection != null && this.channels.allConfirmed() && this.patterns.allConfirmed();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** This reader's state; {@code gaps} and {@code missingFlags} are found elsewhere and passed in. */
	public NodeStatus status(long gaps, String missingFlags) {
		NodeStatus.State state;
		int wanted;
		this.lock.lock();
		try {
			wanted = this.channels.size() + this.patterns.size();
			if (this.connection != null) {
				state = (this.channels.allConfirmed() && this.patterns.allConfirmed()) ? NodeStatus.State.SUBSCRIBED
						: NodeStatus.State.SUBSCRIBING;
			}
			else {
				state = this.everConnected ? NodeStatus.State.DISCONNECTED : NodeStatus.State.CONNECTING;
			}
		}
		finally {
			this.lock.unlock();
		}
		long last = this.lastReadMillis;
		return new NodeStatus(this.nodeName, state, wanted, (last != 0) ? Instant.ofEpochMilli(last) : null,
				this.messagesRead.get(), this.reconnects.get(), gaps, missingFlags);
	}

	/** The channels and patterns the server has confirmed on the current connection. */
	public Set<String> confirmedSubscriptions() {
		Set<String> all = new TreeSet<>();
		this.channels.copyConfirmedTo(all);
		this.patterns.copyConfirmedTo(all);
		return all;
	}

	/**
	 * Sends a PING now: its answer ends a read burst, so the message listener's
	 * {@link MessageListener#endOfBurst()} runs on the reader thread soon, even when no
	 * message arrives.
	 */
	public void wake() {
		this.pingWanted.set(true);
		this.writes.request();
	}

	/**
	 * Sends a PING when nothing arrived since the previous check. The reader's read timeout
	 * is two intervals plus the command timeout, so a peer that stopped answering is noticed
	 * and reconnected instead of silently delivering nothing. Called by one scheduler thread
	 * every health-check interval.
	 */
	public void checkHealth() {
		long frames = this.framesRead.get();
		if (frames != this.framesAtLastHealthCheck) {
			this.framesAtLastHealthCheck = frames;
			return;
		}
		this.pingWanted.set(true);
		this.writes.request();
	}

	/** Closes the connection and stops the reader thread; idempotent. */
	@Override
	public void close() {
		Thread readerThread;
		PubSubConnection open;
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			open = detach();
			this.changed.signalAll();
			readerThread = this.reader;
		}
		finally {
			this.lock.unlock();
		}
		closeQuietly(open);
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

	private void readUntilClosed() {
		PubSubConnection current = null;
		while (!this.closed) {
			try {
				if (current == null) {
					current = connect();
				}
				readFrames(current);
			}
			catch (RuntimeException ex) {
				endOfBurst(); // hand over what was read before the connection broke
				boolean wasConnected = detachIfCurrent(current);
				current = null;
				if (this.closed) {
					break;
				}
				if (this.outage.failed(ex, wasConnected)) {
					Instant lastHeard = Instant.ofEpochMilli(Math.max(this.lastReadMillis, this.connectedMillis));
					notifyListener(() -> this.nodeListener.onDisconnected(this.node, ex, wasConnected, lastHeard));
				}
				// A live connection that broke is retried at once: a CLIENT KILL, or Sentinel
				// promoting this replica, leaves the server up, and every millisecond is a gap.
				if (!wasConnected) {
					pause(this.settings.backoff().delayMillis(this.outage.failedAttempts()));
				}
			}
		}
		endOfBurst(); // closed between two frames: what was read still gets an outcome
	}

	/** Opens a connection (no lock held), makes it current and subscribes everything wanted on it. */
	private PubSubConnection connect() {
		PubSubConnection fresh;
		try {
			fresh = new PubSubConnection(this.node, this.jedisConfig);
			askRole(fresh);
			fresh.readFramesWith(this.frames);
			fresh.setSoTimeout(Math.toIntExact(this.settings.readTimeout().toMillis()));
		}
		catch (RuntimeException ex) {
			throw connectFailed(new NodeConnectionException(this.node, ex));
		}
		this.connectedMillis = System.currentTimeMillis();
		Opened opened = makeCurrent(fresh);
		if (opened == null) {
			closeQuietly(fresh);
			throw new NodeConnectionException(this.node, new IllegalStateException("closed"));
		}
		sync();
		if (opened.reconnect()) {
			this.reconnects.incrementAndGet();
		}
		this.outage.recovered(opened.channels(), opened.patterns());
		notifyListener(() -> this.nodeListener.onConnected(this.node, opened.reconnect()));
		return fresh;
	}

	/**
	 * Asks {@code INFO replication} on a connection nobody else can write to yet: once
	 * subscribed, a RESP2 connection accepts no other command. A refusal (an ACL without
	 * {@code info}) is logged once and leaves the role to the periodic checks.
	 */
	private void askRole(PubSubConnection fresh) {
		if (this.roleListener == null) {
			return;
		}
		String info;
		try {
			fresh.send(Protocol.Command.INFO, SafeEncoder.encode("replication"));
			info = SafeEncoder.encode((byte[]) fresh.getOne());
		}
		catch (JedisDataException ex) {
			if (this.roleRefusedLogged.compareAndSet(false, true)) {
				logger.warn("{} refused INFO replication ({}): a promotion of this replica is seen only at the next "
						+ "topology refresh", this.nodeName, ex.getMessage());
			}
			return;
		}
		notifyListener(() -> this.roleListener.onReplicationInfo(this.node, info));
	}

	/** Makes a new connection current, with nothing sent on it yet; {@code null} if closed meanwhile. */
	private Opened makeCurrent(PubSubConnection fresh) {
		this.lock.lock();
		try {
			if (this.closed) {
				return null;
			}
			boolean reconnect = this.everConnected;
			this.everConnected = true;
			this.firstConnectFailure = null;
			this.confirmedReported = false;
			this.connection = fresh;
			this.channels.newConnection();
			this.patterns.newConnection();
			return new Opened(reconnect, this.channels.size(), this.patterns.size());
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Remembers why the first connection failed, for callers waiting for confirmations. */
	private NodeConnectionException connectFailed(NodeConnectionException failure) {
		this.lock.lock();
		try {
			if (!this.everConnected) {
				this.firstConnectFailure = failure;
				this.changed.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
		return failure;
	}

	/**
	 * Drops a connection that broke and closes it.
	 * @return whether {@code broken} was the open connection (rather than a failed attempt)
	 */
	private boolean detachIfCurrent(PubSubConnection broken) {
		boolean current;
		this.lock.lock();
		try {
			current = broken != null && this.connection == broken;
			if (current) {
				detach();
			}
		}
		finally {
			this.lock.unlock();
		}
		closeQuietly(broken);
		return current;
	}

	/**
	 * Drops the current connection; the reader notices and reconnects unless closed. Holds lock.
	 * @return the dropped connection, for the caller to close once it has released the lock
	 */
	private PubSubConnection detach() {
		PubSubConnection old = this.connection;
		this.connection = null;
		this.channels.newConnection();
		this.patterns.newConnection();
		this.changed.signalAll();
		return old;
	}

	/**
	 * Closes a connection without flushing it. Never under the lock: closing a TLS socket writes
	 * its close_notify. A thread blocked writing to the socket fails (on a plain socket at once).
	 */
	private void closeQuietly(PubSubConnection old) {
		if (old == null) {
			return;
		}
		try {
			old.forceDisconnect();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing the connection to {} failed", this.nodeName, ex);
		}
	}

	/**
	 * What to write and where, marked sent; {@code null} while disconnected (a new connection
	 * gets it all). Called by one writer at a time.
	 */
	private PendingCommands takePending() {
		this.lock.lock();
		try {
			boolean ping = this.pingWanted.getAndSet(false);
			if (this.connection == null) {
				return null;
			}
			// Argument order matters: a SubscriptionSet gives its unsubscribes before its subscribes.
			PendingCommands pending = new PendingCommands(this.connection, this.nodeName, this.channels.toUnsubscribe(),
					this.patterns.toUnsubscribe(), this.channels.toSubscribe(), this.patterns.toSubscribe(), ping);
			this.channels.sentAll();
			this.patterns.sentAll();
			return pending;
		}
		finally {
			this.lock.unlock();
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
			if (reply == this.frames) {
				handleFrame(this.frames);
			}
			if (!connection.hasBufferedInput()) {
				this.lastReadMillis = System.currentTimeMillis();
				endOfBurst();
			}
		}
	}

	private void handleFrame(FrameReader frame) {
		if (frame.kind == null) {
			return;
		}
		switch (frame.kind) {
			case MESSAGE -> deliver(null, frame.channel, frame.message);
			case PMESSAGE -> deliver(frame.pattern, frame.channel, frame.message);
			case SUBSCRIBE -> confirm(this.channels, frame.channel, true);
			case PSUBSCRIBE -> confirm(this.patterns, frame.channel, true);
			case UNSUBSCRIBE -> confirm(this.channels, frame.channel, false);
			case PUNSUBSCRIBE -> confirm(this.patterns, frame.channel, false);
			case PONG -> {
				// only proves the connection is alive
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

	private void deliver(byte[] pattern, byte[] channel, byte[] message) {
		this.messagesRead.lazySet(this.messagesRead.get() + 1);
		try {
			this.messageListener.onMessage(this.nodeName, pattern, channel, message);
		}
		catch (RuntimeException ex) {
			// The listener is ours and should not throw; if it does, keep reading anyway.
			logger.error("Processing a message from {} failed", this.nodeName, ex);
		}
	}

	private void confirm(SubscriptionSet set, byte[] name, boolean subscribed) {
		boolean complete;
		this.lock.lock();
		try {
			set.confirm(name, subscribed);
			this.changed.signalAll();
			complete = !this.confirmedReported && this.channels.allConfirmed() && this.patterns.allConfirmed();
			if (complete) {
				this.confirmedReported = true;
			}
		}
		finally {
			this.lock.unlock();
		}
		if (complete) {
			notifyListener(() -> this.nodeListener.onSubscriptionsConfirmed(this.node));
		}
	}

	/** A listener that throws must neither kill the reader nor count as a connection failure. */
	private void notifyListener(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.warn("The node listener of {} failed", this.nodeName, ex);
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

	/** What a new connection was made current with: whether it replaced one, and what it is to subscribe. */
	private record Opened(boolean reconnect, int channels, int patterns) {
	}

}
