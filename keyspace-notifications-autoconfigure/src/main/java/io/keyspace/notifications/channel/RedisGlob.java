package io.keyspace.notifications.channel;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Redis glob patterns, as {@code PSUBSCRIBE} and {@code KEYS} use them: {@code *} matches any
 * run of bytes, {@code ?} one byte, {@code [abc]}, {@code [^abc]} and {@code [a-z]} one byte of
 * a set, and a backslash makes the next character literal.
 * <p>
 * Matching follows Redis's {@code stringmatchlen} byte by byte, including its corner cases: it
 * works on bytes (so {@code ?} matches one byte of a multi-byte UTF-8 character), {@code *} does
 * not match an empty string, range bounds compare as signed bytes, and nesting deeper than 1000
 * {@code *} never matches. One deliberate difference: a {@code [} without a later unescaped
 * {@code ]} is literal here, consistent with {@link #isPattern(String)}, which subscribes such a
 * name literally; Redis would read the rest of the pattern as an unclosed set.
 * <p>
 * Escapes and subscriptions: a string without wildcards stands for its {@link #unescape(String)
 * unescaped} literal, which is what a {@code SUBSCRIBE} channel name must be, since Redis does
 * not unescape those; a pattern is sent to {@code PSUBSCRIBE} as written, escapes and all.
 */
public final class RedisGlob {

	// Same bound as Redis: stops a hostile pattern from exhausting the stack.
	private static final int MAX_NESTING = 1000;

	private RedisGlob() {
	}

	/**
	 * Whether a string is a glob pattern: it has an unescaped {@code *} or {@code ?}, or a
	 * {@code [} followed later by an unescaped {@code ]}. A lone {@code [}, as in {@code my[key},
	 * is literal.
	 * @param s the string to test
	 * @return true if the string needs pattern matching
	 */
	public static boolean isPattern(String s) {
		Objects.requireNonNull(s, "s");
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '\\') {
				i++;
			}
			else if (c == '*' || c == '?' || (c == '[' && closesAfter(s, i + 1))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a text matches a pattern, comparing their UTF-8 bytes as Redis would.
	 * @param pattern the glob pattern
	 * @param text the text to test
	 * @return true on a match
	 */
	public static boolean matches(String pattern, String text) {
		Objects.requireNonNull(pattern, "pattern");
		Objects.requireNonNull(text, "text");
		return matches(pattern.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Whether binary text matches a binary pattern.
	 * @param pattern the glob pattern
	 * @param text the text to test
	 * @return true on a match
	 */
	public static boolean matches(byte[] pattern, byte[] text) {
		Objects.requireNonNull(text, "text");
		return matches(pattern, text, 0, text.length);
	}

	/**
	 * Whether a range of binary text matches a binary pattern, without copying the range.
	 * @param pattern the glob pattern
	 * @param text the array holding the text
	 * @param offset where the text starts
	 * @param length how many bytes it has
	 * @return true on a match
	 */
	public static boolean matches(byte[] pattern, byte[] text, int offset, int length) {
		Objects.requireNonNull(pattern, "pattern");
		Objects.checkFromIndexSize(offset, length, text.length);
		return new Matcher(pattern, text, offset + length).match(0, offset, 0);
	}

	/**
	 * The literal a glob without wildcards stands for: every backslash escape replaced by the
	 * character it escapes ({@code a\*b} is {@code a*b}). Redis takes a {@code SUBSCRIBE} channel
	 * name literally, so this is the name to subscribe when {@link #isPattern(String)} is false.
	 * @param glob a string in glob syntax
	 * @return the string without escapes; a trailing lone backslash stays
	 */
	public static String unescape(String glob) {
		if (glob.indexOf('\\') < 0) {
			return glob;
		}
		StringBuilder literal = new StringBuilder(glob.length());
		for (int i = 0; i < glob.length(); i++) {
			char c = glob.charAt(i);
			if (c == '\\' && i + 1 < glob.length()) {
				c = glob.charAt(++i);
			}
			literal.append(c);
		}
		return literal.toString();
	}

	/**
	 * A glob that matches exactly one literal string: each glob character ({@code * ? [ ] \})
	 * escaped with a backslash.
	 * @param literal the string to match
	 * @return the glob
	 */
	public static String escape(String literal) {
		StringBuilder glob = new StringBuilder(literal.length() + 4);
		for (int i = 0; i < literal.length(); i++) {
			char c = literal.charAt(i);
			if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
				glob.append('\\');
			}
			glob.append(c);
		}
		return glob.toString();
	}

	private static boolean closesAfter(String s, int from) {
		for (int i = from; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '\\') {
				i++;
			}
			else if (c == ']') {
				return true;
			}
		}
		return false;
	}

	private static boolean closesAfter(byte[] p, int from) {
		for (int i = from; i < p.length; i++) {
			if (p[i] == '\\') {
				i++;
			}
			else if (p[i] == ']') {
				return true;
			}
		}
		return false;
	}

	/** One match attempt; holds the state the recursion for {@code *} shares. */
	private static final class Matcher {

		private final byte[] p;

		private final byte[] s;

		private final int end; // the text is s[start..end); match() gets start

		// Once the rest of the pattern after a '*' fails at every position, an earlier '*' taking
		// more bytes cannot help either: Redis's cut-off against exponential backtracking.
		private boolean skipLongerMatches;

		Matcher(byte[] pattern, byte[] text, int end) {
			this.p = pattern;
			this.s = text;
			this.end = end;
		}

		boolean match(int pi, int si, int nesting) {
			if (nesting > MAX_NESTING) {
				return false;
			}
			byte[] p = this.p;
			byte[] s = this.s;
			int end = this.end;
			while (pi < p.length && si < end) {
				byte c = p[pi];
				if (c == '*') {
					while (pi + 1 < p.length && p[pi + 1] == '*') {
						pi++;
					}
					if (pi + 1 == p.length) {
						return true;
					}
					for (; si < end; si++) {
						if (match(pi + 1, si, nesting + 1)) {
							return true;
						}
						if (this.skipLongerMatches) {
							return false;
						}
					}
					this.skipLongerMatches = true;
					return false;
				}
				if (c == '?') {
					si++;
				}
				else if (c == '[' && closesAfter(p, pi + 1)) {
					int setEnd = matchSet(pi + 1, s[si]);
					if (setEnd < 0) {
						return false;
					}
					pi = setEnd;
					si++;
				}
				else {
					if (c == '\\' && pi + 1 < p.length) {
						pi++;
					}
					if (p[pi] != s[si]) {
						return false;
					}
					si++;
				}
				pi++;
				if (si == end) {
					while (pi < p.length && p[pi] == '*') {
						pi++;
					}
					break;
				}
			}
			return pi == p.length && si == end;
		}

		/**
		 * Match one byte against the set starting after its {@code [}.
		 * @return the index of the set's last pattern byte, or -1 if the byte is not in the set
		 */
		private int matchSet(int pi, byte b) {
			byte[] p = this.p;
			boolean negate = pi < p.length && p[pi] == '^';
			if (negate) {
				pi++;
			}
			boolean found = false;
			while (true) {
				if (p.length - pi >= 2 && p[pi] == '\\') {
					pi++;
					found |= p[pi] == b;
				}
				else if (pi == p.length) {
					// A range swallowed the ']' (as in "[a-]"): like Redis, the set runs to the end.
					pi--;
					break;
				}
				else if (p[pi] == ']') {
					break;
				}
				else if (p.length - pi >= 3 && p[pi + 1] == '-') {
					// Signed, as Redis compares C chars on x86, and either order of the bounds.
					int low = Math.min(p[pi], p[pi + 2]);
					int high = Math.max(p[pi], p[pi + 2]);
					found |= b >= low && b <= high;
					pi += 2;
				}
				else {
					found |= p[pi] == b;
				}
				pi++;
			}
			return (found != negate) ? pi : -1;
		}

	}

}
