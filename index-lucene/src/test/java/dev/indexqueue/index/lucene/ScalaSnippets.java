package dev.indexqueue.index.lucene;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Small Scala-like files written for the search tests (no third-party code): the operators,
 * annotations and identifiers of issue 15 in the shapes they take in a functional Scala library.
 */
final class ScalaSnippets {
  private ScalaSnippets() {}

  /** Path to content. */
  static Map<String, String> files() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "core/src/main/scala/demo/Semigroup.scala",
        """
        package demo

        trait Semigroup[A] {
          def combine(x: A, y: A): A
        }

        object syntax {
          implicit final class SemigroupOps[A](private val lhs: A) extends AnyVal {
            def |+|(rhs: A)(implicit A: Semigroup[A]): A = A.combine(lhs, rhs)
            def combineN(n: Int)(implicit A: Semigroup[A]): A =
              if (n <= 1) lhs else lhs |+| combineN(n - 1)
          }
        }
        """);
    m.put(
        "core/src/main/scala/demo/FlatMap.scala",
        """
        package demo

        import scala.annotation.tailrec

        trait FlatMap[F[_]] extends Apply[F] {
          def flatMap[A, B](fa: F[A])(f: A => F[B]): F[B]

          def >>=[A, B](fa: F[A])(f: A => F[B]): F[B] = flatMap(fa)(f)

          def tailRecM[A, B](a: A)(f: A => F[Either[A, B]]): F[B]

          @tailrec
          final def loop(n: Int, acc: List[Int]): List[Int] =
            if (n == 0) acc else loop(n - 1, n :: acc)
        }
        """);
    m.put(
        "core/src/main/scala/demo/Apply.scala",
        """
        package demo

        trait Apply[F[_]] extends Functor[F] {
          def ap[A, B](ff: F[A => B])(fa: F[A]): F[B]

          def <*>[A, B](ff: F[A => B])(fa: F[A]): F[B] = ap(ff)(fa)

          def *>[A, B](fa: F[A])(fb: F[B]): F[B] = map2(fa, fb)((_, b) => b)

          def <*[A, B](fa: F[A])(fb: F[B]): F[A] = map2(fa, fb)((a, _) => a)

          def map2[A, B, Z](fa: F[A], fb: F[B])(f: (A, B) => Z): F[Z] =
            ap(map(fa)(a => (b: B) => f(a, b)))(fb)
        }
        """);
    m.put(
        "core/src/main/scala/demo/Eq.scala",
        """
        package demo

        trait Eq[A] {
          def eqv(x: A, y: A): Boolean
          def neqv(x: A, y: A): Boolean = !eqv(x, y)
        }

        object EqSyntax {
          implicit class EqOps[A](lhs: A)(implicit A: Eq[A]) {
            def ===(rhs: A): Boolean = A.eqv(lhs, rhs)
            def =!=(rhs: A): Boolean = A.neqv(lhs, rhs)
          }
        }
        """);
    m.put(
        "core/src/main/scala/demo/Ior.scala",
        """
        package demo

        object IorExamples {
          val empty1 = Map.empty[String, Int]
          val empty2 = Map.empty[Int, String]
          val empty3 = Map.empty[Long, Long]
          def left[A, B, C](ior: Ior[A, B], f: A => C): Ior[C, B] = ior.leftMap(f)
          val pairs = List("a" -> 1, "b" -> 2) ::: Nil
          val lam: ({ type λ[α] = Either[String, α] })#λ[Int] = Right(1)
        }
        """);
    m.put(
        "tests/src/test/scala/demo/AlternativeSuite.scala",
        """
        package demo

        class AlternativeSuite extends CatsSuite {
          val M = Alternative[List]
          test("tailRecM is stack safe") {
            val n = 50000
            val res = M.tailRecM(0)(i => if (i < n) List(Left(i + 1)) else List(Right(i)))
            assert(res === List(n))
          }
          test("compose") {
            val f = (x: Int) => x + 1
            assert((f andThen f)(1) === 3 && 1 :: Nil == List(1))
          }
        }
        """);
    m.put(
        "site/functor.md",
        """
        # Functor

        A `Functor` maps: `fa.map(f)`. With `Apply`, `fa *> fb` keeps the right side and
        `fa <* fb` the left; `ff <*> fa` applies. A `Monad` adds `>>=`, also known as flatMap.

        Laws are checked with `===` from `Eq`, never with `==`.
        """);
    return m;
  }
}
