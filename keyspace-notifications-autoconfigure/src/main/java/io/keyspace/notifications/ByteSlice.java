package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A view of part of a received byte array. The parser hands these out instead of copies, so a
 * notification costs no byte copying or String decoding until someone asks for a value.
 * Equality is by content, unlike a record over an array.
 */
record ByteSlice(byte[] source, int offset, int length) {

	static final ByteSlice[] NONE = {};

	static boolean startsWith(byte[] source, int offset, int length, byte[] prefix) {
		return prefix.length <= length
				&& Arrays.equals(source, offset, offset + prefix.length, prefix, 0, prefix.length);
	}

	boolean startsWith(byte[] prefix) {
		return startsWith(this.source, this.offset, this.length, prefix);
	}

	ByteSlice dropFirst(int count) {
		return new ByteSlice(this.source, this.offset + count, this.length - count);
	}

	byte[] toArray() {
		return Arrays.copyOfRange(this.source, this.offset, this.offset + this.length);
	}

	/** UTF-8 decoding that replaces malformed input, because keys need not be text. */
	String decode() {
		return new String(this.source, this.offset, this.length, StandardCharsets.UTF_8);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ByteSlice that && Arrays.equals(this.source, this.offset, this.offset + this.length,
				that.source, that.offset, that.offset + that.length);
	}

	@Override
	public int hashCode() {
		int hash = 1;
		for (int i = this.offset, end = this.offset + this.length; i < end; i++) {
			hash = 31 * hash + this.source[i];
		}
		return hash;
	}

}
