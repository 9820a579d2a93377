package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.annotation.OnKeyEvent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The smallest application a user would write: the starter and one handler, nothing that
 * keeps a JVM alive by itself. {@link KeepAliveIT} runs it in a JVM of its own and reads
 * what the handler prints.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class KeepAliveApplication {

	static final String HANDLED = "HANDLED ";

	public static void main(String[] args) {
		SpringApplication.run(KeepAliveApplication.class, args);
	}

	@OnKeyEvent(key = "alive:*")
	void onAliveKey(String key) {
		System.out.println(HANDLED + key);
	}

}
