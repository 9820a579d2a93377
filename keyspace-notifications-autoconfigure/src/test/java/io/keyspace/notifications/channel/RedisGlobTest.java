package io.keyspace.notifications.channel;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class RedisGlobTest {

	@ParameterizedTest
	@ValueSource(strings = { "*", "user:*", "?", "user:?", "[abc]", "[^a]", "[a-z]", "a[]", "[]]", "a\\\\*",
			"\\[*", "my[key]", "my[key*", "[\\]]" })
	void patterns(String s) {
		assertThat(RedisGlob.isPattern(s)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "user:1", "my[key", "a\\*b", "a\\?b", "\\[abc\\]", "[abc\\]", "a]b", "]",
			"\\", "a\\", "[", "-", "^", "日本" })
	void literals(String s) {
		assertThat(RedisGlob.isPattern(s)).isFalse();
	}

	// Expectations observed with KEYS on redis-server 7.0.15, which uses the same matcher.
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "h?llo|hello|true", "h?llo|hallo|true", "h?llo|hllo|false",
			"h*llo|hllo|true", "h*llo|heeeello|true", "h*llo|hello!|false", "h[ae]llo|hello|true",
			"h[ae]llo|hillo|false", "h[^e]llo|hallo|true", "h[^e]llo|hello|false", "h[a-b]llo|hallo|true",
			"h[a-b]llo|hello|false", "[c-a]|b|true", "a\\*b|a*b|true", "a\\*b|axb|false", "a\\?b|a?b|true",
			"a\\?b|axb|false", "a[\\]]b|a]b|true", "a[]]b|a]b|false", "a[[]b|a[b|true", "a[-]|a-|true",
			"a[b-]|a^|true", "a[b-]|aa|true", "a[b-]|ab|true", "a[b-]|ac|false", "[a-]|]|true", "[a-]|_|true",
			"[a-]|b|false", "[^]|x|true", "[^]|xy|false", "\\\\|\\|true", "user:?|user:1|true",
			"user:?|user:12|false", "user:*|user:|true", "user:*|user:12|true", "*a*b|xa*b|true",
			"*a*b|abab|true", "*a*b|abc|false", "a*|a|true", "a**|a|true", "**|x|true", "a|a|true",
			"a|A|false", "a|ab|false", "ab|a|false", "a\\|a\\|true", "a\\|a|false" })
	void matchesLikeRedis(String pattern, String text, boolean expected) {
		assertThat(RedisGlob.matches(pattern, text)).as("%s ~ %s", pattern, text).isEqualTo(expected);
	}

	@Test
	void starDoesNotMatchTheEmptyStringInRedis() {
		assertThat(RedisGlob.matches("*", "")).isFalse();
		assertThat(RedisGlob.matches("**", "")).isFalse();
		assertThat(RedisGlob.matches("", "")).isTrue();
		assertThat(RedisGlob.matches("", "a")).isFalse();
	}

	@Test
	void unclosedBracketIsLiteralLikeIsPatternSays() {
		// Redis itself would read "[key" as the set {k,e,y}; see the class comment.
		assertThat(RedisGlob.matches("my[key", "my[key")).isTrue();
		assertThat(RedisGlob.matches("my[key", "myk")).isFalse();
		assertThat(RedisGlob.matches("a*[b", "axx[b")).isTrue();
		assertThat(RedisGlob.matches("[", "[")).isTrue();
		assertThat(RedisGlob.matches("a[\\]", "a[]")).isTrue();
	}

	@Test
	void matchesBytesNotCharacters() {
		assertThat(RedisGlob.matches("?", "ü")).isFalse();
		assertThat(RedisGlob.matches("??", "ü")).isTrue();
		assertThat(RedisGlob.matches("日*", "日本")).isTrue();
		assertThat(RedisGlob.matches("user:*", "user:日本")).isTrue();
	}

	@Test
	void binaryPatternsAndRangesAreSignedLikeRedisOnX86() {
		byte[] text = { 'k', (byte) 0xC3 };
		assertThat(RedisGlob.matches(new byte[] { 'k', '[', (byte) 0xC0, '-', (byte) 0xC4, ']' }, text)).isTrue();
		// Observed on redis-server 7.0.15 (x86-64): 0xC4 is below 0x01 as a signed char.
		assertThat(RedisGlob.matches(new byte[] { 'k', '[', 0x01, '-', (byte) 0xC4, ']' }, text)).isFalse();
		assertThat(RedisGlob.matches(new byte[] { 'k', '?' }, text)).isTrue();
		assertThat(RedisGlob.matches(new byte[] { '*', 0 }, new byte[] { 1, 2, 0 })).isTrue();
		assertThat(RedisGlob.matches(new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xFF })).isTrue();
	}

	@Test
	void channelNamesMatchTheirSubscriptionPatterns() {
		assertThat(RedisGlob.matches(new KeyspaceChannel("user:*").toString(), "__keyspace@0__:user:42")).isTrue();
		assertThat(RedisGlob.matches(KeyeventChannel.allEvents().toString(), "__keyevent@0__:expired")).isTrue();
		assertThat(RedisGlob.matches(new SubkeyspaceitemChannel("h", "f*").toString(), "__subkeyspaceitem@0__:h\nf1"))
			.isTrue();
		assertThat(RedisGlob.matches(new KeyspaceChannel("user:*").toString(), "__keyspace@1__:user:42")).isFalse();
	}

	@Test
	void manyStarsStayFast() {
		String pattern = "*a".repeat(30) + "*b";
		String text = "a".repeat(5000);
		long start = System.nanoTime();
		assertThat(RedisGlob.matches(pattern, text)).isFalse();
		assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
	}

	@Test
	void nestingBeyondRedisLimitNeverMatches() {
		String text = "x".repeat(1100);
		assertThat(RedisGlob.matches("*?".repeat(1000), text)).isTrue();
		assertThat(RedisGlob.matches("*?".repeat(1100), text)).isFalse();
	}

	@Test
	void rejectsNulls() {
		assertThatNullPointerException().isThrownBy(() -> RedisGlob.isPattern(null));
		assertThatNullPointerException().isThrownBy(() -> RedisGlob.matches((String) null, "a"));
		assertThatNullPointerException().isThrownBy(() -> RedisGlob.matches(new byte[0], null));
	}

	@Test
	void unescapeGivesTheLiteralAndEscapeGivesAGlobForIt() {
		assertThat(RedisGlob.unescape("a\\*b")).isEqualTo("a*b");
		assertThat(RedisGlob.unescape("a\\\\b")).isEqualTo("a\\b");
		assertThat(RedisGlob.unescape("plain")).isEqualTo("plain");
		assertThat(RedisGlob.unescape("trailing\\")).isEqualTo("trailing\\");
		for (String literal : new String[] { "a*b", "q?", "my[key]", "back\\slash", "plain" }) {
			String glob = RedisGlob.escape(literal);
			assertThat(RedisGlob.isPattern(glob)).as(glob).isFalse();
			assertThat(RedisGlob.unescape(glob)).isEqualTo(literal);
			assertThat(RedisGlob.matches(glob, literal)).as(glob).isTrue();
		}
	}

	@Test
	void matchesARangeOfAnArrayInPlace() {
		byte[] text = "xxuser:42yy".getBytes(StandardCharsets.UTF_8);
		assertThat(RedisGlob.matches("user:*".getBytes(StandardCharsets.UTF_8), text, 2, 7)).isTrue();
		assertThat(RedisGlob.matches("user:4".getBytes(StandardCharsets.UTF_8), text, 2, 7)).isFalse();
		assertThat(RedisGlob.matches("*yy".getBytes(StandardCharsets.UTF_8), text, 2, 7)).isFalse();
	}

}
