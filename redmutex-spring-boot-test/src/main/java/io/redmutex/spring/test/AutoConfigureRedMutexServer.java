package io.redmutex.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points a Spring test's redmutex at a throwaway {@code redis-server} from the test kit: one server
 * per test application context, started on a free loopback port before the context refreshes and
 * stopped when it closes (so test classes that share a cached context share the server).
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureRedMutexServer
 * class PaymentsTest {
 *   @Autowired RedMutex mutex;          // connected to the test server
 *   @Autowired RedisServer redis;       // the server itself: kill(), pause(), restart() for faults
 * }
 * }</pre>
 *
 * <p>The context gets:
 *
 * <ul>
 *   <li>the property {@code redmutex.uri} = the server's URI, ahead of every other property source,
 *       so the starter's client connects there whatever the application's own settings say;
 *   <li>with Spring Data Redis on the class path, a {@code DataRedisConnectionDetails} bean for the
 *       server (as Boot's {@code @ServiceConnection} gives for a container), so the application's
 *       {@code RedisTemplate}s use the same server;
 *   <li>the {@link io.redmutex.testkit.RedisServer} as a bean, for tests that inject faults.
 * </ul>
 *
 * <p>The server is the test kit's {@code redis-server} ({@code $REDIS_SERVER}, the {@code PATH}, or
 * the binary in the {@code embedded-redis} artifact). Never port 6379.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureRedMutexServer {

  /**
   * {@return the password the server requires ({@code requirepass}); empty (the default) for none}
   */
  String password() default "";
}
