from danvan.accounts.models import User


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get("/units/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_page_is_in_vietnamese_by_default(client, db):
    response = client.get("/login/")

    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body


def test_signing_in_with_a_wrong_password_says_so(client, world):
    response = client.post("/login/", {"username": "one.clerk", "password": "wrong"})

    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_in_lands_on_the_home_page_with_the_scope(client, world):
    response = client.post(
        "/login/", {"username": "one.clerk", "password": "pw-for-tests-1"}, follow=True
    )

    body = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "Huyện Một" in body
    assert "Zeta" not in body


def test_the_english_switch_changes_the_language(client, world):
    client.force_login(world.district_clerk)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")

    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Administrative units" in body


def test_the_unit_page_lists_children_with_counts(client, world):
    client.force_login(world.district_clerk)

    response = client.get(f"/units/{world.district_one.pk}/")

    body = response.content.decode()
    assert "Xã Một A" in body
    assert "Xã Một B" in body
    assert "2 ấp" in body


def test_expanding_a_tree_node_returns_only_its_children(client, world):
    client.force_login(world.district_clerk)

    response = client.get(f"/units/{world.commune_one_a.pk}/children/", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "Ấp Một A 1" in body
    assert "<html" not in body
    assert "Xã Một B" not in body


def test_search_without_diacritics_finds_the_unit_in_scope(client, world):
    client.force_login(world.province_admin)

    response = client.get("/units/", {"q": "xa mot b"})

    body = response.content.decode()
    assert "Xã Một B" in body
    assert "Xã Một A" not in body


def test_search_never_shows_units_out_of_scope(client, world):
    client.force_login(world.other_clerk)

    response = client.get("/units/", {"q": "mot"})

    results = response.content.decode().split("search-results", 1)[1]
    assert "Zeta Một" in results
    assert "Một A" not in results
    assert "Huyện Một" not in results


def test_a_superuser_starts_from_every_province(client, world):
    User.objects.create_superuser("root", password="pw-for-tests-1")
    client.force_login(User.objects.get(username="root"))

    response = client.get("/units/")

    assert "Tỉnh A" in response.content.decode()


def test_an_unknown_unit_is_not_found(client, world):
    client.force_login(world.province_admin)

    assert client.get("/units/999999/").status_code == 404
    assert client.get("/organizations/999999/").status_code == 404


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client, db):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="vi">' in response.content.decode()
