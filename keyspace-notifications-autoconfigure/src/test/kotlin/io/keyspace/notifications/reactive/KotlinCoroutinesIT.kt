package io.keyspace.notifications.reactive

import io.keyspace.notifications.ConnectionSettings
import io.keyspace.notifications.KeyspaceNotifications
import io.keyspace.notifications.NotificationOptions
import io.keyspace.notifications.RedisNode
import io.keyspace.notifications.StandaloneKeyspaceNotifications
import io.keyspace.notifications.annotation.OnKeyEvent
import io.keyspace.notifications.channel.KeyspaceChannel
import io.keyspace.notifications.testing.RedisServerExtension
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.assertj.core.api.Assertions.assertThat
import org.awaitility.Awaitility.await
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.RegisterExtension
import org.springframework.boot.SpringBootConfiguration
import org.springframework.boot.WebApplicationType
import org.springframework.boot.autoconfigure.EnableAutoConfiguration
import org.springframework.boot.builder.SpringApplicationBuilder
import org.springframework.context.annotation.Bean
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger

/**
 * Kotlin against a real redis-server: an `@OnKeyEvent` `suspend fun` is called and completes
 * before its key's next notification, and `receiveAsFlow` collects with the collector's pace and
 * unsubscribes when the collection ends.
 */
class KotlinCoroutinesIT {

	companion object {
		@JvmField
		@RegisterExtension
		val redis: RedisServerExtension = RedisServerExtension.withConfig("notify-keyspace-events", "KEA")
	}

	@Test
	fun `a suspend handler is called for every change and one key's calls never overlap`() {
		val context = SpringApplicationBuilder(KotlinApplication::class.java).web(WebApplicationType.NONE)
			.run("--spring.data.redis.host=${redis.server().host()}", "--spring.data.redis.port=${redis.server().port()}")
		context.use {
			val handlers = it.getBean(SuspendHandlers::class.java)
			await().atMost(Duration.ofSeconds(10)).until { it.getBean(KeyspaceNotifications::class.java).isSubscribed }
			redis.server().jedis().use { jedis ->
				repeat(5) { round -> (0 until 10).forEach { key -> jedis.set("kt:$key", "$round") } }
			}
			await().atMost(Duration.ofSeconds(20)).until { handlers.done.size == 50 }
			assertThat(handlers.overlaps).hasValue(0)
			assertThat(handlers.done.toSet()).hasSize(10)
		}
	}

	@Test
	fun `receiveAsFlow delivers what the collector takes and unsubscribes when it ends`() {
		val notifications = StandaloneKeyspaceNotifications(RedisNode(redis.server().host(), redis.server().port()),
			ConnectionSettings.defaults(), NotificationOptions.defaults())
		notifications.use {
			val reactive = ReactiveKeyspaceNotifications(notifications)
			runBlocking {
				val keys = async(Dispatchers.IO) {
					reactive.receiveAsFlow(KeyspaceChannel("flow:*")).map { it.key() }.take(10).toList()
				}
				await().atMost(Duration.ofSeconds(10)).until { notifications.isSubscribed }
				redis.server().jedis().use { jedis -> (0 until 10).forEach { jedis.set("flow:$it", "v") } }
				assertThat(withTimeout(10_000) { keys.await() }).containsExactly(*Array(10) { "flow:$it" })
			}
			redis.server().jedis().use { jedis ->
				await().atMost(Duration.ofSeconds(1)).until { jedis.pubsubNumPat() == 0L }
			}
		}
	}

}

@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class KotlinApplication {

	@Bean
	fun suspendHandlers() = SuspendHandlers()

}

class SuspendHandlers {

	val running: MutableSet<String> = ConcurrentHashMap.newKeySet()

	val overlaps = AtomicInteger()

	val done: MutableList<String> = CopyOnWriteArrayList()

	@OnKeyEvent(key = ["kt:*"], event = ["set"])
	suspend fun changed(key: String) {
		if (!running.add(key)) {
			overlaps.incrementAndGet()
		}
		delay(2)
		running.remove(key)
		done.add(key)
	}

}
