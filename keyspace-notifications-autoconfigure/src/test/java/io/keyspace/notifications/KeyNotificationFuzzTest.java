package io.keyspace.notifications;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded random payloads for every channel kind: valid ones must round-trip exactly, damaged
 * and random ones must give the same verdict as a slow, independently written reference parser,
 * and nothing may throw. Rerun a failure with {@code -Dfuzz.seed=<seed from the message>}.
 */
class KeyNotificationFuzzTest {

	private static final int PAYLOADS_PER_KIND = 100_000;

	private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());

	// Bytes that mean something somewhere in the wire formats, so random data hits the edge cases.
	private static final byte[] SPECIAL = { '\n', '|', ',', ':', '_', '@', '*', '0', '1', '9', (byte) 0xFF,
			(byte) 0xC3, 0 };

	@ParameterizedTest
	@EnumSource(ChannelType.class)
	void validPayloadsRoundTrip(ChannelType type) {
		SplittableRandom random = new SplittableRandom(SEED + type.ordinal());
		for (int i = 0; i < PAYLOADS_PER_KIND; i++) {
			Payload payload = Payload.random(type, random);
			Optional<KeyNotification> parsed = parse(payload.channel(), payload.message(), payload.prefix());
			if (parsed.isEmpty()) {
				fail("valid payload rejected, seed %d: %s", SEED, payload);
			}
			String problem = payload.mismatch(parsed.get());
			if (problem != null) {
				fail("%s, seed %d: %s", problem, SEED, payload);
			}
			byte[] longerPrefix = concat(payload.prefix(), payload.key(), new byte[] { 'x' });
			if (parse(payload.channel(), payload.message(), longerPrefix).isPresent()) {
				fail("key outside the prefix accepted, seed %d: %s", SEED, payload);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(ChannelType.class)
	void damagedPayloadsAgreeWithTheReference(ChannelType type) {
		SplittableRandom random = new SplittableRandom(~SEED + type.ordinal());
		int accepted = 0;
		for (int i = 0; i < PAYLOADS_PER_KIND; i++) {
			Payload payload = Payload.random(type, random);
			byte[] channel = payload.channel();
			byte[] message = payload.message();
			for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
				if (random.nextBoolean()) {
					channel = mutate(channel, random);
				}
				else {
					message = mutate(message, random);
				}
			}
			accepted += checkAgainstReference(channel, message, randomPrefix(random)) ? 1 : 0;
		}
		// Small edits often keep a payload valid (a changed key byte, say): both paths get exercised.
		assertThat(accepted).as("seed %d", SEED).isBetween(PAYLOADS_PER_KIND / 20, PAYLOADS_PER_KIND * 19 / 20);
	}

	@ParameterizedTest
	@EnumSource(ChannelType.class)
	void randomPayloadsAgreeWithTheReference(ChannelType type) {
		SplittableRandom random = new SplittableRandom(SEED * 31 + type.ordinal());
		for (int i = 0; i < PAYLOADS_PER_KIND; i++) {
			String db = random.nextInt(8) == 0 ? "*" : Integer.toString(random.nextInt(20));
			byte[] channel = concat(ascii(type.prefix() + db + "__:"), randomBytes(random, 12));
			if (random.nextInt(4) == 0) {
				channel = Arrays.copyOf(channel, random.nextInt(channel.length + 1));
			}
			checkAgainstReference(channel, randomBytes(random, 16), randomPrefix(random));
		}
	}

	/** Parses without throwing and as the reference does; returns whether it was accepted. */
	private static boolean checkAgainstReference(byte[] channel, byte[] message, byte[] prefix) {
		Optional<KeyNotification> actual = parse(channel, message, prefix);
		Optional<Reference> expected = Reference.parse(channel, message, prefix);
		if (actual.isPresent() != expected.isPresent()) {
			fail("parser says %s, reference says %s, seed %d: channel=%s message=%s prefix=%s",
					actual.isPresent() ? "valid" : "invalid", expected.isPresent() ? "valid" : "invalid", SEED,
					Arrays.toString(channel), Arrays.toString(message), Arrays.toString(prefix));
		}
		if (actual.isPresent() && !expected.get().sameAs(actual.get())) {
			fail("parser gives %s, reference %s, seed %d: channel=%s message=%s", actual.get(), expected.get(), SEED,
					Arrays.toString(channel), Arrays.toString(message));
		}
		return actual.isPresent();
	}

	private static Optional<KeyNotification> parse(byte[] channel, byte[] message, byte[] prefix) {
		try {
			return KeyNotification.parse(channel, message, prefix, null, "127.0.0.1:6379");
		}
		catch (RuntimeException ex) {
			throw new AssertionError("parse threw, seed " + SEED + ": channel=" + Arrays.toString(channel)
					+ " message=" + Arrays.toString(message) + " prefix=" + Arrays.toString(prefix), ex);
		}
	}

	private static byte[] mutate(byte[] bytes, SplittableRandom random) {
		int at = random.nextInt(bytes.length + 1);
		return switch (random.nextInt(6)) {
			case 0 -> Arrays.copyOf(bytes, at); // truncate
			case 1 -> concat(Arrays.copyOf(bytes, at), new byte[] { randomByte(random) },
					Arrays.copyOfRange(bytes, at, bytes.length)); // insert
			case 2 -> (at == bytes.length) ? bytes
					: concat(Arrays.copyOf(bytes, at), Arrays.copyOfRange(bytes, at + 1, bytes.length)); // delete
			case 3 -> { // overwrite
				byte[] copy = bytes.clone();
				if (at < copy.length) {
					copy[at] = randomByte(random);
				}
				yield copy;
			}
			case 4 -> concat(bytes, Arrays.copyOfRange(bytes, at, bytes.length)); // repeat a tail
			default -> concat(Arrays.copyOf(bytes, at), ascii(Long.toString(random.nextLong() >>> 1)),
					Arrays.copyOfRange(bytes, at, bytes.length)); // huge number
		};
	}

	private static byte[] randomPrefix(SplittableRandom random) {
		return switch (random.nextInt(4)) {
			case 0 -> null;
			case 1 -> new byte[0];
			default -> randomBytes(random, 2);
		};
	}

	static byte[] randomBytes(SplittableRandom random, int maxLength) {
		byte[] bytes = new byte[random.nextInt(maxLength + 1)];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = randomByte(random);
		}
		return bytes;
	}

	private static byte randomByte(SplittableRandom random) {
		return switch (random.nextInt(3)) {
			case 0 -> SPECIAL[random.nextInt(SPECIAL.length)];
			case 1 -> (byte) ('a' + random.nextInt(4));
			default -> (byte) random.nextInt(256);
		};
	}

	static byte[] ascii(String s) {
		return s.getBytes(StandardCharsets.US_ASCII);
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static byte[] without(byte[] bytes, byte unwanted) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte b : bytes) {
			out.write((b != unwanted) ? b : 'n');
		}
		return out.toByteArray();
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/** A valid notification and its wire form, built the way the server writes it. */
	record Payload(ChannelType type, int db, byte[] prefix, byte[] key, byte[] event, List<byte[]> subkeys,
			byte[] channel, byte[] message) {

		static Payload random(ChannelType type, SplittableRandom random) {
			int db = switch (random.nextInt(8)) {
				case 0 -> -1;
				case 1 -> Integer.MAX_VALUE - random.nextInt(10);
				default -> random.nextInt(16);
			};
			byte[] prefix = (random.nextInt(3) == 0) ? randomBytes(random, 3) : new byte[0];
			byte[] key = randomBytes(random, 12);
			if (type == ChannelType.SUBKEYSPACEITEM) {
				// The server only emits this kind for keys without a newline.
				prefix = without(prefix, (byte) '\n');
				key = without(key, (byte) '\n');
			}
			byte[] event = (random.nextBoolean()) ? ascii(EventType.all().get(random.nextInt(EventType.all().size())))
					: without(concat(new byte[] { 'e' }, randomBytes(random, 6)), (byte) '|');
			List<byte[]> subkeys = new ArrayList<>();
			int count = (type == ChannelType.SUBKEYSPACEITEM) ? 1 : 1 + random.nextInt(4);
			for (int i = 0; i < count; i++) {
				subkeys.add(randomBytes(random, 8));
			}
			byte[] header = ascii(type.prefix() + ((db < 0) ? "*" : db) + "__:");
			byte[] fullKey = concat(prefix, key);
			byte[] list = list(subkeys);
			byte[][] wire = switch (type) {
				case KEYSPACE -> new byte[][] { concat(header, fullKey), event };
				case KEYEVENT -> new byte[][] { concat(header, event), fullKey };
				case SUBKEYSPACE -> new byte[][] { concat(header, fullKey), concat(event, ascii("|"), list) };
				case SUBKEYEVENT -> new byte[][] { concat(header, event),
						concat(ascii(fullKey.length + ":"), fullKey, ascii("|"), list) };
				case SUBKEYSPACEITEM -> new byte[][] { concat(header, fullKey, ascii("\n"), subkeys.get(0)), event };
				case SUBKEYSPACEEVENT -> new byte[][] { concat(header, event, ascii("|"), fullKey), list };
			};
			return new Payload(type, db, prefix, key, event, subkeys, wire[0], wire[1]);
		}

		private static byte[] list(List<byte[]> subkeys) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			for (byte[] subkey : subkeys) {
				if (out.size() > 0) {
					out.write(',');
				}
				out.writeBytes(ascii(subkey.length + ":"));
				out.writeBytes(subkey);
			}
			return out.toByteArray();
		}

		/** What differs between this payload and its parse, or null. */
		String mismatch(KeyNotification n) {
			if (n.type() != this.type || n.database() != this.db) {
				return "type or database differs";
			}
			if (!Arrays.equals(n.keyBytes(), this.key) || !n.key().equals(text(this.key))) {
				return "key differs";
			}
			if (!n.event().equals(text(this.event))) {
				return "event differs";
			}
			List<byte[]> expectedSubkeys = n.type().equals(ChannelType.KEYSPACE)
					|| n.type().equals(ChannelType.KEYEVENT) ? List.of() : this.subkeys;
			List<byte[]> subkeyBytes = n.subkeyBytes();
			if (subkeyBytes.size() != expectedSubkeys.size() || n.subkeys().size() != expectedSubkeys.size()) {
				return "subkey count differs";
			}
			for (int i = 0; i < subkeyBytes.size(); i++) {
				if (!Arrays.equals(subkeyBytes.get(i), expectedSubkeys.get(i))
						|| !n.subkeys().get(i).equals(text(expectedSubkeys.get(i)))) {
					return "subkey " + i + " differs";
				}
			}
			if (!n.channel().equals(text(this.channel))) {
				return "channel differs";
			}
			return null;
		}

		@Override
		public String toString() {
			return "channel=" + Arrays.toString(this.channel) + " message=" + Arrays.toString(this.message)
					+ " prefix=" + Arrays.toString(this.prefix);
		}

	}

	/**
	 * A deliberately different parser: regular expressions over ISO-8859-1 text, where each char
	 * stands for one byte. Slow and simple, so a disagreement points at the real one.
	 */
	record Reference(ChannelType type, int db, String key, String event, List<String> subkeys) {

		private static final Pattern HEADER = Pattern.compile(
				"__(subkeyspaceitem|subkeyspaceevent|subkeyspace|subkeyevent|keyspace|keyevent)@([0-9]+|\\*)__:(.*)",
				Pattern.DOTALL);

		private static final Pattern LENGTH = Pattern.compile("([0-9]+):");

		static Optional<Reference> parse(byte[] channelBytes, byte[] messageBytes, byte[] prefixBytes) {
			Matcher header = HEADER.matcher(latin1(channelBytes));
			if (!header.matches()) {
				return Optional.empty();
			}
			ChannelType type = ChannelType.valueOf(header.group(1).toUpperCase(Locale.ROOT));
			int db = header.group(2).equals("*") ? -1 : toInt(header.group(2));
			String rest = header.group(3);
			String message = latin1(messageBytes);
			String key;
			String event;
			List<String> subkeys = List.of();
			switch (type) {
				case KEYSPACE -> {
					key = rest;
					event = message;
				}
				case KEYEVENT -> {
					key = message;
					event = rest;
				}
				case SUBKEYSPACE -> {
					key = rest;
					event = before(message, '|');
					subkeys = (event != null) ? list(message.substring(event.length() + 1)) : null;
				}
				case SUBKEYEVENT -> {
					event = rest;
					List<String> keyAndRest = lengthPrefixed(message, 0);
					key = (keyAndRest != null) ? keyAndRest.get(0) : null;
					String tail = (keyAndRest != null) ? keyAndRest.get(1) : "";
					subkeys = tail.startsWith("|") ? list(tail.substring(1)) : null;
				}
				case SUBKEYSPACEITEM -> {
					key = before(rest, '\n');
					event = message;
					subkeys = (key != null) ? List.of(rest.substring(key.length() + 1)) : null;
				}
				default -> {
					event = before(rest, '|');
					key = (event != null) ? rest.substring(event.length() + 1) : null;
					subkeys = list(message);
				}
			}
			String prefix = (prefixBytes != null) ? latin1(prefixBytes) : "";
			if (db < -1 || key == null || event == null || event.isEmpty() || subkeys == null
					|| !key.startsWith(prefix)) {
				return Optional.empty();
			}
			return Optional.of(new Reference(type, db, key.substring(prefix.length()), event, subkeys));
		}

		boolean sameAs(KeyNotification n) {
			return n.type() == this.type && n.database() == this.db && latin1(n.keyBytes()).equals(this.key)
					&& n.event().equals(utf8(this.event))
					&& n.subkeyBytes().stream().map(KeyNotificationFuzzTest.Reference::latin1).toList()
						.equals(this.subkeys);
		}

		private static List<String> list(String s) {
			List<String> items = new ArrayList<>();
			List<String> itemAndRest = lengthPrefixed(s, 0);
			while (itemAndRest != null) {
				items.add(itemAndRest.get(0));
				String rest = itemAndRest.get(1);
				if (rest.isEmpty()) {
					return items;
				}
				itemAndRest = rest.startsWith(",") ? lengthPrefixed(rest, 1) : null;
			}
			return null;
		}

		/** [item, what follows it] for a {@code <len>:<item>} at {@code from}, or null. */
		private static List<String> lengthPrefixed(String s, int from) {
			Matcher length = LENGTH.matcher(s).region(from, s.length());
			if (!length.lookingAt()) {
				return null;
			}
			int n = toInt(length.group(1));
			if (n < 0 || n > s.length() - length.end()) {
				return null;
			}
			return List.of(s.substring(length.end(), length.end() + n), s.substring(length.end() + n));
		}

		private static String before(String s, char separator) {
			int at = s.indexOf(separator);
			return (at >= 0) ? s.substring(0, at) : null;
		}

		private static int toInt(String digits) {
			try {
				return Integer.parseInt(digits);
			}
			catch (NumberFormatException ex) {
				return -2;
			}
		}

		private static String latin1(byte[] bytes) {
			return new String(bytes, StandardCharsets.ISO_8859_1);
		}

		private static String utf8(String latin1) {
			return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
		}

	}

}
