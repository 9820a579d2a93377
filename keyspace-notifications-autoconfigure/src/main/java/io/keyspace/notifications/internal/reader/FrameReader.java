package io.keyspace.notifications.internal.reader;

import java.util.Arrays;

import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.RedisInputStream;

/**
 * Reads the RESP2 arrays of a subscribed connection into itself, reused frame after frame, so
 * that a message costs only the two arrays a notification keeps: its channel and its payload.
 * The frame's kind is compared in a scratch buffer, and a {@code pmessage}'s pattern is matched
 * against the patterns seen before and handed out as the same array each time (a connection
 * has a few patterns, each matching many messages). Jedis's own reader would build a list and
 * an array per element, which is most of what raw Jedis allocates per message.
 * <p>
 * Threading: one reader thread; the fields describe the frame read last.
 */
final class FrameReader {

	/** Patterns kept to hand out again; beyond this many, a new one costs an array per message. */
	private static final int KNOWN_PATTERNS = 64;

	private final byte[] scratch = new byte[64];

	private byte[] patternBuffer = new byte[64];

	private byte[][] patterns = new byte[8][];

	private int patternCount;

	/** The kind of the frame read last, or null for a frame this reader does not know. */
	FrameKind kind;

	/** A pmessage's pattern; null otherwise. */
	byte[] pattern;

	/** A message's channel, or the channel or pattern a (p)(un)subscribe confirms (may be null). */
	byte[] channel;

	/** A message's payload; null otherwise. */
	byte[] message;

	/** Reads one array reply, the {@code *} not yet consumed. */
	FrameReader read(RedisInputStream in) {
		this.kind = null;
		this.pattern = null;
		this.channel = null;
		this.message = null;
		expect(in, '*');
		int elements = in.readIntCrLf();
		int left = elements;
		if (left > 0 && in.peek((byte) '$')) {
			in.readByte();
			int length = in.readIntCrLf();
			if (length >= 0 && length <= this.scratch.length) {
				readFully(in, this.scratch, length);
				this.kind = FrameKind.of(this.scratch, length);
			}
			else {
				skipBytes(in, length);
			}
			left--;
		}
		if (this.kind == FrameKind.PMESSAGE && elements == 4) {
			this.pattern = knownPattern(in);
			this.channel = bulk(in);
			this.message = bulk(in);
			return this;
		}
		if (this.kind == FrameKind.MESSAGE && elements == 3) {
			this.channel = bulk(in);
			this.message = bulk(in);
			return this;
		}
		if (this.kind != null && this.kind != FrameKind.PONG && this.kind != FrameKind.PMESSAGE
				&& this.kind != FrameKind.MESSAGE && elements == 3) {
			this.channel = bulk(in); // the channel or pattern a (p)(un)subscribe confirms
			left--;
		}
		else if (this.kind != FrameKind.PONG) {
			this.kind = null; // a frame of another shape is not one to act on
		}
		for (int i = 0; i < left; i++) {
			skip(in);
		}
		return this;
	}

	/** A bulk string as a new array; null for a null bulk string. */
	private static byte[] bulk(RedisInputStream in) {
		expect(in, '$');
		int length = in.readIntCrLf();
		if (length < 0) {
			return null;
		}
		byte[] bytes = new byte[length];
		readFully(in, bytes, length);
		return bytes;
	}

	/** A bulk string that is one of the patterns seen before, as that array; else kept as a new one. */
	private byte[] knownPattern(RedisInputStream in) {
		expect(in, '$');
		int length = in.readIntCrLf();
		if (length < 0) {
			return null;
		}
		if (this.patternBuffer.length < length) {
			this.patternBuffer = new byte[Math.max(length, this.patternBuffer.length * 2)];
		}
		readFully(in, this.patternBuffer, length);
		for (int i = 0; i < this.patternCount; i++) {
			byte[] known = this.patterns[i];
			if (known.length == length && Arrays.equals(known, 0, length, this.patternBuffer, 0, length)) {
				return known;
			}
		}
		byte[] fresh = Arrays.copyOf(this.patternBuffer, length);
		if (this.patternCount < KNOWN_PATTERNS) {
			if (this.patternCount == this.patterns.length) {
				this.patterns = Arrays.copyOf(this.patterns, this.patterns.length * 2);
			}
			this.patterns[this.patternCount++] = fresh;
		}
		return fresh;
	}

	/** Reads {@code length} bytes and the CRLF after them. */
	private static void readFully(RedisInputStream in, byte[] into, int length) {
		int read = 0;
		while (read < length) {
			int size = in.read(into, read, length - read);
			if (size < 0) {
				throw new JedisConnectionException("Unexpected end of stream.");
			}
			read += size;
		}
		in.readByte();
		in.readByte();
	}

	private void skipBytes(RedisInputStream in, int length) {
		if (length < 0) {
			return;
		}
		int left = length;
		while (left > 0) {
			int size = in.read(this.scratch, 0, Math.min(left, this.scratch.length));
			if (size < 0) {
				throw new JedisConnectionException("Unexpected end of stream.");
			}
			left -= size;
		}
		in.readByte();
		in.readByte();
	}

	/** Skips one reply of any type. */
	private void skip(RedisInputStream in) {
		byte type = in.readByte();
		switch (type) {
			case '$' -> skipBytes(in, in.readIntCrLf());
			case ':' -> in.readLongCrLf();
			case '+', '-' -> in.readLine();
			case '*' -> {
				int elements = in.readIntCrLf();
				for (int i = 0; i < elements; i++) {
					skip(in);
				}
			}
			default -> throw new JedisConnectionException("Unknown reply type: " + (char) type);
		}
	}

	private static void expect(RedisInputStream in, char type) {
		byte found = in.readByte();
		if (found != type) {
			throw new JedisConnectionException("Expected '" + type + "' in a pub/sub frame, got '" + (char) found + "'");
		}
	}

}
