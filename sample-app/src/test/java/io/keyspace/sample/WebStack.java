package io.keyspace.sample;

import org.springframework.boot.reactor.netty.NettyWebServer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two web stacks the sample runs on: Spring MVC on Tomcat by default (both are on the class
 * path, where Boot picks the servlet stack), WebFlux on Reactor Netty with the {@code webflux}
 * profile. A test that runs on both checks which one it got, so a profile that stopped switching
 * does not pass as the other stack.
 */
public enum WebStack {

	SERVLET(ServletWebServerApplicationContext.class, TomcatWebServer.class),

	REACTIVE(ReactiveWebServerApplicationContext.class, NettyWebServer.class);

	private final Class<?> context;

	private final Class<?> server;

	WebStack(Class<?> context, Class<?> server) {
		this.context = context;
		this.server = server;
	}

	/** Fails unless {@code context} serves HTTP with this stack. */
	public void assertRunsIn(ApplicationContext context) {
		assertThat(context).isInstanceOf(this.context);
		assertThat(((WebServerApplicationContext) context).getWebServer()).isInstanceOf(this.server);
	}

}
