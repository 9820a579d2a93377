package io.keyspace.notifications.internal.reader;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.keyspace.notifications.RedisNode;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.util.RedisInputStream;

/**
 * A Jedis connection that can write a command without waiting for its reply (on a
 * subscribed connection every reply is read by the node's reader thread), and that can
 * tell whether more input is already buffered, so the reader knows when a burst ends.
 * Once closed it stays closed: a write fails instead of reconnecting.
 */
final class PubSubConnection extends Connection {

	// RedisInputStream keeps its read position and fill level in protected fields; reading
	// them costs nothing, unlike available(), which asks the socket on every call.
	private static final VarHandle POSITION;

	private static final VarHandle LIMIT;

	static {
		VarHandle position = null;
		VarHandle limit = null;
		try {
			MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(RedisInputStream.class, MethodHandles.lookup());
			position = lookup.findVarHandle(RedisInputStream.class, "count", int.class);
			limit = lookup.findVarHandle(RedisInputStream.class, "limit", int.class);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// Without them every message is handed over on its own: slower, still correct.
		}
		POSITION = position;
		LIMIT = limit;
	}

	private RedisInputStream input;

	private FrameReader frames; // set once subscribed: the reader thread's, read by it alone

	private final boolean opened; // false while the constructor connects

	/** Whether the read buffer can be inspected, i.e. bursts are handed over as batches. */
	static boolean canSeeReadBuffer() {
		return POSITION != null;
	}

	PubSubConnection(RedisNode node, JedisClientConfig config) {
		super(new HostAndPort(node.host(), node.port()), config);
		this.opened = true;
	}

	/**
	 * Jedis reconnects a closed connection on its next command. Here a write can race the
	 * close of its connection (whoever closes does not wait for writers), and must then fail
	 * rather than open a connection that nobody reads.
	 */
	@Override
	public void connect() {
		if (!this.opened) {
			super.connect();
		}
	}

	void send(Command command, byte[]... args) {
		sendCommand(command, args);
		flush();
	}

	/** From now on array replies are read into {@code reader}, which is what the reads return. */
	void readFramesWith(FrameReader reader) {
		this.frames = reader;
	}

	@Override
	protected Object protocolRead(RedisInputStream is) {
		this.input = is;
		FrameReader reader = this.frames;
		if (reader != null && is.peek((byte) '*')) {
			return reader.read(is);
		}
		return super.protocolRead(is);
	}

	/** Whether bytes of a next frame are already in the read buffer. */
	boolean hasBufferedInput() {
		RedisInputStream is = this.input;
		return POSITION != null && is != null && (int) LIMIT.get(is) > (int) POSITION.get(is);
	}

}
