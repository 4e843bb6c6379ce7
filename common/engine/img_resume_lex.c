/*
 * img_resume_lex.c - the resume module's word lists: title head nouns,
 * company suffixes, regions (states, provinces, countries), department words,
 * and the section-heading vocabulary. Generic vocabulary only: no employer
 * names. Every list is sorted (strcmp order) for bisection.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "img_resume_int.h"

/* Every word the module classifies, sorted (strcmp order) for bisection. */
typedef struct lexword {
    const char *w;
    unsigned flags;
} lexword_t;

// clang-format off
static const lexword_t lexicon[] = {
    {"&", RS_W_SMALL}, {"a", RS_W_SMALL}, {"ab", RS_W_COMPANY}, {"academy", RS_W_COMPANY},
    {"accountant", RS_W_TITLE}, {"accounts", RS_W_DEPT}, {"actor", RS_W_TITLE},
    {"actress", RS_W_TITLE}, {"adjunct", RS_W_TITLE}, {"admin", RS_W_TITLE},
    {"administration", RS_W_DEPT}, {"administrator", RS_W_TITLE}, {"advertiser", RS_W_TITLE},
    {"adviser", RS_W_TITLE}, {"advisor", RS_W_TITLE}, {"advocate", RS_W_TITLE},
    {"africa", RS_W_REGION}, {"ag", RS_W_COMPANY}, {"agency", RS_W_COMPANY}, {"agent", RS_W_TITLE},
    {"aide", RS_W_TITLE}, {"airlines", RS_W_COMPANY}, {"airways", RS_W_COMPANY},
    {"ak", RS_W_REGION}, {"al", RS_W_REGION}, {"alabama", RS_W_REGION}, {"alaska", RS_W_REGION},
    {"alberta", RS_W_REGION}, {"ambassador", RS_W_TITLE}, {"an", RS_W_SMALL},
    {"analyst", RS_W_TITLE}, {"analytics", RS_W_DEPT}, {"and", RS_W_SMALL},
    {"apprentice", RS_W_TITLE}, {"ar", RS_W_REGION}, {"arabia", RS_W_REGION},
    {"architect", RS_W_TITLE}, {"argentina", RS_W_REGION}, {"arizona", RS_W_REGION},
    {"arkansas", RS_W_REGION}, {"artist", RS_W_TITLE}, {"as", RS_W_SMALL}, {"assam", RS_W_REGION},
    {"assistant", RS_W_TITLE}, {"associate", RS_W_TITLE}, {"associates", RS_W_COMPANY},
    {"association", RS_W_COMPANY}, {"at", RS_W_SMALL}, {"attendant", RS_W_TITLE},
    {"attorney", RS_W_TITLE}, {"auditor", RS_W_TITLE}, {"australia", RS_W_REGION},
    {"austria", RS_W_REGION}, {"author", RS_W_TITLE}, {"az", RS_W_REGION},
    {"bachelor", RS_W_DEGREE}, {"bachelors", RS_W_DEGREE}, {"baker", RS_W_TITLE},
    {"bancorp", RS_W_COMPANY}, {"bangladesh", RS_W_REGION}, {"bank", RS_W_COMPANY},
    {"banker", RS_W_TITLE}, {"barista", RS_W_TITLE}, {"barrister", RS_W_TITLE},
    {"bartender", RS_W_TITLE}, {"bba", RS_W_DEGREE}, {"bca", RS_W_DEGREE}, {"be", RS_W_DEGREE},
    {"belgium", RS_W_REGION}, {"bengal", RS_W_REGION}, {"bihar", RS_W_REGION},
    {"bookkeeper", RS_W_TITLE}, {"brazil", RS_W_REGION}, {"brunswick", RS_W_REGION},
    {"bs", RS_W_DEGREE}, {"bsc", RS_W_DEGREE}, {"btech", RS_W_DEGREE}, {"bureau", RS_W_COMPANY},
    {"buyer", RS_W_TITLE}, {"bv", RS_W_COMPANY}, {"by", RS_W_SMALL}, {"ca", RS_W_REGION},
    {"california", RS_W_REGION}, {"canada", RS_W_REGION}, {"captain", RS_W_TITLE},
    {"caretaker", RS_W_TITLE}, {"carolina", RS_W_REGION}, {"carpenter", RS_W_TITLE},
    {"caseworker", RS_W_TITLE}, {"cashier", RS_W_TITLE}, {"cbse", RS_W_DEGREE},
    {"center", RS_W_COMPANY}, {"centre", RS_W_COMPANY}, {"ceo", RS_W_TITLE}, {"cfo", RS_W_TITLE},
    {"cgpa", RS_W_DEGREE}, {"chair", RS_W_TITLE}, {"chairman", RS_W_TITLE},
    {"chairperson", RS_W_TITLE}, {"chairwoman", RS_W_TITLE}, {"chef", RS_W_TITLE},
    {"chemist", RS_W_TITLE}, {"chhattisgarh", RS_W_REGION}, {"chile", RS_W_REGION},
    {"china", RS_W_REGION}, {"church", RS_W_COMPANY}, {"cio", RS_W_TITLE}, {"clerk", RS_W_TITLE},
    {"clinic", RS_W_COMPANY}, {"clinician", RS_W_TITLE}, {"club", RS_W_COMPANY},
    {"co-ordinator", RS_W_TITLE}, {"coach", RS_W_TITLE}, {"cofounder", RS_W_TITLE},
    {"college", RS_W_COMPANY}, {"colombia", RS_W_REGION}, {"colorado", RS_W_REGION},
    {"commissioner", RS_W_TITLE}, {"communications", RS_W_COMPANY}, {"company", RS_W_COMPANY},
    {"composer", RS_W_TITLE}, {"connecticut", RS_W_REGION}, {"consultancy", RS_W_COMPANY},
    {"consultant", RS_W_TITLE}, {"consulting", RS_W_COMPANY}, {"contractor", RS_W_TITLE},
    {"controller", RS_W_TITLE}, {"coo", RS_W_TITLE}, {"cook", RS_W_TITLE},
    {"coordinator", RS_W_TITLE}, {"copywriter", RS_W_TITLE}, {"corp", RS_W_COMPANY},
    {"corporation", RS_W_COMPANY}, {"council", RS_W_COMPANY}, {"counsel", RS_W_TITLE},
    {"counsellor", RS_W_TITLE}, {"counselor", RS_W_TITLE}, {"courier", RS_W_TITLE},
    {"coursework", RS_W_DEGREE}, {"ct", RS_W_REGION}, {"cto", RS_W_TITLE}, {"curator", RS_W_TITLE},
    {"dakota", RS_W_REGION}, {"dba", RS_W_TITLE}, {"dc", RS_W_REGION}, {"de", RS_W_REGION},
    {"dean", RS_W_TITLE}, {"degree", RS_W_DEGREE}, {"delaware", RS_W_REGION},
    {"delhi", RS_W_REGION}, {"denmark", RS_W_REGION}, {"dentist", RS_W_TITLE},
    {"department", RS_W_COMPANY}, {"deputy", RS_W_TITLE}, {"design", RS_W_DEPT},
    {"designer", RS_W_TITLE}, {"detective", RS_W_TITLE}, {"developer", RS_W_TITLE},
    {"development", RS_W_DEPT}, {"dietitian", RS_W_TITLE}, {"diploma", RS_W_DEGREE},
    {"director", RS_W_TITLE}, {"dispatcher", RS_W_TITLE}, {"dissertation", RS_W_DEGREE},
    {"district", RS_W_COMPANY}, {"doctor", RS_W_TITLE}, {"economist", RS_W_TITLE},
    {"editor", RS_W_TITLE}, {"education", RS_W_DEPT}, {"educator", RS_W_TITLE},
    {"egypt", RS_W_REGION}, {"electrician", RS_W_TITLE}, {"emirates", RS_W_REGION},
    {"engineer", RS_W_TITLE}, {"engineering", RS_W_DEPT}, {"england", RS_W_REGION},
    {"enterprises", RS_W_COMPANY}, {"entrepreneur", RS_W_TITLE}, {"evangelist", RS_W_TITLE},
    {"examiner", RS_W_TITLE}, {"executive", RS_W_TITLE}, {"expert", RS_W_TITLE},
    {"facilitator", RS_W_TITLE}, {"fellow", RS_W_TITLE}, {"finance", RS_W_DEPT},
    {"finland", RS_W_REGION}, {"firefighter", RS_W_TITLE}, {"firm", RS_W_COMPANY},
    {"fl", RS_W_REGION}, {"florida", RS_W_REGION}, {"for", RS_W_SMALL},
    {"foundation", RS_W_COMPANY}, {"founder", RS_W_TITLE}, {"france", RS_W_REGION},
    {"freelancer", RS_W_TITLE}, {"from", RS_W_SMALL}, {"ga", RS_W_REGION},
    {"generalist", RS_W_TITLE}, {"georgia", RS_W_REGION}, {"germany", RS_W_REGION},
    {"gmbh", RS_W_COMPANY}, {"goa", RS_W_REGION}, {"gpa", RS_W_DEGREE}, {"graduated", RS_W_DEGREE},
    {"graduation", RS_W_DEGREE}, {"greece", RS_W_REGION}, {"group", RS_W_COMPANY},
    {"guard", RS_W_TITLE}, {"guide", RS_W_TITLE}, {"gujarat", RS_W_REGION},
    {"hampshire", RS_W_REGION}, {"handler", RS_W_TITLE}, {"haryana", RS_W_REGION},
    {"hawaii", RS_W_REGION}, {"head", RS_W_TITLE}, {"hi", RS_W_REGION}, {"holdings", RS_W_COMPANY},
    {"hospital", RS_W_COMPANY}, {"hostess", RS_W_TITLE}, {"hotel", RS_W_COMPANY},
    {"hotels", RS_W_COMPANY}, {"hr", RS_W_DEPT}, {"hsc", RS_W_DEGREE}, {"hygienist", RS_W_TITLE},
    {"ia", RS_W_REGION}, {"id", RS_W_REGION}, {"idaho", RS_W_REGION}, {"il", RS_W_REGION},
    {"illinois", RS_W_REGION}, {"illustrator", RS_W_TITLE}, {"in", RS_W_REGION | RS_W_SMALL},
    {"inc", RS_W_COMPANY}, {"incorporated", RS_W_COMPANY}, {"india", RS_W_REGION},
    {"indiana", RS_W_REGION}, {"indonesia", RS_W_REGION}, {"industries", RS_W_COMPANY},
    {"infosystems", RS_W_COMPANY}, {"infotech", RS_W_COMPANY}, {"inspector", RS_W_TITLE},
    {"institute", RS_W_COMPANY}, {"institution", RS_W_COMPANY}, {"instructor", RS_W_TITLE},
    {"intern", RS_W_TITLE}, {"international", RS_W_COMPANY}, {"internship", RS_W_TITLE},
    {"interpreter", RS_W_TITLE}, {"investigator", RS_W_TITLE}, {"iowa", RS_W_REGION},
    {"iraq", RS_W_REGION}, {"ireland", RS_W_REGION}, {"israel", RS_W_REGION}, {"it", RS_W_DEPT},
    {"italy", RS_W_REGION}, {"janitor", RS_W_TITLE}, {"japan", RS_W_REGION},
    {"jersey", RS_W_REGION}, {"jharkhand", RS_W_REGION}, {"journalist", RS_W_TITLE},
    {"judge", RS_W_TITLE}, {"kansas", RS_W_REGION}, {"karnataka", RS_W_REGION},
    {"kashmir", RS_W_REGION}, {"kentucky", RS_W_REGION}, {"kenya", RS_W_REGION},
    {"kerala", RS_W_REGION}, {"korea", RS_W_REGION}, {"ks", RS_W_REGION}, {"kuwait", RS_W_REGION},
    {"ky", RS_W_REGION}, {"la", RS_W_REGION}, {"laboratories", RS_W_COMPANY},
    {"laboratory", RS_W_COMPANY}, {"laborer", RS_W_TITLE}, {"labs", RS_W_COMPANY},
    {"lanka", RS_W_REGION}, {"lead", RS_W_TITLE}, {"leader", RS_W_TITLE}, {"lecturer", RS_W_TITLE},
    {"legal", RS_W_DEPT}, {"librarian", RS_W_TITLE}, {"lifeguard", RS_W_TITLE},
    {"limited", RS_W_COMPANY}, {"linguist", RS_W_TITLE}, {"llc", RS_W_COMPANY},
    {"llp", RS_W_COMPANY}, {"louisiana", RS_W_REGION}, {"ltd", RS_W_COMPANY}, {"ma", RS_W_REGION},
    {"machinist", RS_W_TITLE}, {"magazine", RS_W_COMPANY}, {"maharashtra", RS_W_REGION},
    {"maine", RS_W_REGION}, {"major", RS_W_DEGREE}, {"majoring", RS_W_DEGREE},
    {"malaysia", RS_W_REGION}, {"management", RS_W_DEPT}, {"manager", RS_W_TITLE},
    {"manipur", RS_W_REGION}, {"manitoba", RS_W_REGION}, {"marketer", RS_W_TITLE},
    {"marketing", RS_W_DEPT}, {"maryland", RS_W_REGION}, {"massachusetts", RS_W_REGION},
    {"master", RS_W_DEGREE}, {"masters", RS_W_DEGREE}, {"matriculation", RS_W_DEGREE},
    {"mba", RS_W_DEGREE}, {"mca", RS_W_DEGREE}, {"md", RS_W_REGION}, {"me", RS_W_REGION},
    {"mechanic", RS_W_TITLE}, {"media", RS_W_COMPANY}, {"meghalaya", RS_W_REGION},
    {"member", RS_W_TITLE}, {"mentor", RS_W_TITLE}, {"merchandiser", RS_W_TITLE},
    {"mexico", RS_W_REGION}, {"mi", RS_W_REGION}, {"michigan", RS_W_REGION},
    {"ministry", RS_W_COMPANY}, {"minnesota", RS_W_REGION}, {"minor", RS_W_DEGREE},
    {"mississippi", RS_W_REGION}, {"missouri", RS_W_REGION}, {"mizoram", RS_W_REGION},
    {"mn", RS_W_REGION}, {"mo", RS_W_REGION}, {"montana", RS_W_REGION}, {"motors", RS_W_COMPANY},
    {"ms", RS_W_REGION | RS_W_DEGREE}, {"msc", RS_W_DEGREE}, {"mt", RS_W_REGION},
    {"mtech", RS_W_DEGREE}, {"musician", RS_W_TITLE}, {"nadu", RS_W_REGION},
    {"nagaland", RS_W_REGION}, {"nanny", RS_W_TITLE}, {"nc", RS_W_REGION}, {"ncr", RS_W_REGION},
    {"nd", RS_W_REGION}, {"ne", RS_W_REGION}, {"nebraska", RS_W_REGION}, {"negotiator", RS_W_TITLE},
    {"nepal", RS_W_REGION}, {"netherlands", RS_W_REGION}, {"network", RS_W_COMPANY},
    {"networks", RS_W_COMPANY}, {"nevada", RS_W_REGION}, {"ngo", RS_W_COMPANY}, {"nh", RS_W_REGION},
    {"nigeria", RS_W_REGION}, {"nj", RS_W_REGION}, {"nm", RS_W_REGION}, {"norway", RS_W_REGION},
    {"nurse", RS_W_TITLE}, {"nutritionist", RS_W_TITLE}, {"nv", RS_W_COMPANY | RS_W_REGION},
    {"ny", RS_W_REGION}, {"odisha", RS_W_REGION}, {"of", RS_W_SMALL}, {"officer", RS_W_TITLE},
    {"oh", RS_W_REGION}, {"ohio", RS_W_REGION}, {"ok", RS_W_REGION}, {"oklahoma", RS_W_REGION},
    {"oman", RS_W_REGION}, {"on", RS_W_SMALL}, {"ontario", RS_W_REGION}, {"operations", RS_W_DEPT},
    {"operator", RS_W_TITLE}, {"or", RS_W_REGION | RS_W_SMALL}, {"oregon", RS_W_REGION},
    {"organisation", RS_W_COMPANY}, {"organization", RS_W_COMPANY}, {"organizer", RS_W_TITLE},
    {"orissa", RS_W_REGION}, {"owner", RS_W_TITLE}, {"pa", RS_W_REGION}, {"painter", RS_W_TITLE},
    {"pakistan", RS_W_REGION}, {"paralegal", RS_W_TITLE}, {"paramedic", RS_W_TITLE},
    {"partner", RS_W_TITLE}, {"partners", RS_W_COMPANY}, {"pennsylvania", RS_W_REGION},
    {"pharmaceuticals", RS_W_COMPANY}, {"pharmacist", RS_W_TITLE}, {"phd", RS_W_DEGREE},
    {"philippines", RS_W_REGION}, {"photographer", RS_W_TITLE}, {"physician", RS_W_TITLE},
    {"physicist", RS_W_TITLE}, {"pilot", RS_W_TITLE}, {"planner", RS_W_TITLE},
    {"plc", RS_W_COMPANY}, {"plumber", RS_W_TITLE}, {"poland", RS_W_REGION},
    {"pondicherry", RS_W_REGION}, {"portugal", RS_W_REGION}, {"practitioner", RS_W_TITLE},
    {"pradesh", RS_W_REGION}, {"president", RS_W_TITLE}, {"press", RS_W_COMPANY},
    {"principal", RS_W_TITLE}, {"producer", RS_W_TITLE}, {"product", RS_W_DEPT},
    {"professor", RS_W_TITLE}, {"programmer", RS_W_TITLE}, {"promoter", RS_W_TITLE},
    {"psychologist", RS_W_TITLE}, {"pty", RS_W_COMPANY}, {"publications", RS_W_COMPANY},
    {"publisher", RS_W_TITLE}, {"publishing", RS_W_COMPANY}, {"puducherry", RS_W_REGION},
    {"punjab", RS_W_REGION}, {"pvt", RS_W_COMPANY}, {"qa", RS_W_DEPT}, {"qatar", RS_W_REGION},
    {"quebec", RS_W_REGION}, {"rajasthan", RS_W_REGION}, {"receptionist", RS_W_TITLE},
    {"recruiter", RS_W_TITLE}, {"registrar", RS_W_TITLE}, {"remote", RS_W_REGION},
    {"reporter", RS_W_TITLE}, {"representative", RS_W_TITLE}, {"research", RS_W_DEPT},
    {"researcher", RS_W_TITLE}, {"resident", RS_W_TITLE}, {"resort", RS_W_COMPANY},
    {"restaurant", RS_W_COMPANY}, {"reviewer", RS_W_TITLE}, {"rhode", RS_W_REGION},
    {"ri", RS_W_REGION}, {"russia", RS_W_REGION}, {"sales", RS_W_DEPT}, {"salesman", RS_W_TITLE},
    {"salesperson", RS_W_TITLE}, {"saskatchewan", RS_W_REGION}, {"sc", RS_W_REGION},
    {"school", RS_W_COMPANY}, {"schools", RS_W_COMPANY}, {"scientist", RS_W_TITLE},
    {"scotia", RS_W_REGION}, {"scotland", RS_W_REGION}, {"sd", RS_W_REGION}, {"sde", RS_W_TITLE},
    {"sdet", RS_W_TITLE}, {"secretary", RS_W_TITLE}, {"services", RS_W_COMPANY},
    {"sikkim", RS_W_REGION}, {"singapore", RS_W_REGION}, {"society", RS_W_COMPANY},
    {"software", RS_W_COMPANY}, {"solicitor", RS_W_TITLE}, {"solutions", RS_W_COMPANY},
    {"spain", RS_W_REGION}, {"specialist", RS_W_TITLE}, {"srl", RS_W_COMPANY}, {"ssc", RS_W_DEGREE},
    {"sslc", RS_W_DEGREE}, {"statistician", RS_W_TITLE}, {"steward", RS_W_TITLE},
    {"store", RS_W_COMPANY}, {"strategist", RS_W_TITLE}, {"student", RS_W_TITLE},
    {"studio", RS_W_COMPANY}, {"studios", RS_W_COMPANY}, {"superintendent", RS_W_TITLE},
    {"supervisor", RS_W_TITLE}, {"support", RS_W_DEPT}, {"supporter", RS_W_TITLE},
    {"surgeon", RS_W_TITLE}, {"surveyor", RS_W_TITLE}, {"swe", RS_W_TITLE}, {"sweden", RS_W_REGION},
    {"switzerland", RS_W_REGION}, {"systems", RS_W_COMPANY}, {"teacher", RS_W_TITLE},
    {"technician", RS_W_TITLE}, {"technologies", RS_W_COMPANY}, {"technologist", RS_W_TITLE},
    {"technology", RS_W_COMPANY | RS_W_DEPT}, {"telangana", RS_W_REGION}, {"teller", RS_W_TITLE},
    {"tennessee", RS_W_REGION}, {"tester", RS_W_TITLE}, {"testing", RS_W_DEPT},
    {"texas", RS_W_REGION}, {"thailand", RS_W_REGION}, {"the", RS_W_SMALL},
    {"therapist", RS_W_TITLE}, {"thesis", RS_W_DEGREE}, {"tn", RS_W_REGION}, {"to", RS_W_SMALL},
    {"trainee", RS_W_TITLE}, {"trainer", RS_W_TITLE}, {"training", RS_W_DEPT},
    {"translator", RS_W_TITLE}, {"treasurer", RS_W_TITLE}, {"tripura", RS_W_REGION},
    {"trust", RS_W_COMPANY}, {"trustee", RS_W_TITLE}, {"turkey", RS_W_REGION},
    {"tutor", RS_W_TITLE}, {"tx", RS_W_REGION}, {"uae", RS_W_REGION}, {"uk", RS_W_REGION},
    {"ukraine", RS_W_REGION}, {"underwriter", RS_W_TITLE}, {"university", RS_W_COMPANY},
    {"us", RS_W_REGION}, {"usa", RS_W_REGION}, {"ut", RS_W_REGION}, {"utah", RS_W_REGION},
    {"uttarakhand", RS_W_REGION}, {"va", RS_W_REGION}, {"validation", RS_W_DEPT},
    {"ventures", RS_W_COMPANY}, {"vermont", RS_W_REGION}, {"vietnam", RS_W_REGION},
    {"virginia", RS_W_REGION}, {"volunteer", RS_W_TITLE}, {"vp", RS_W_TITLE}, {"vt", RS_W_REGION},
    {"wa", RS_W_REGION}, {"waiter", RS_W_TITLE}, {"waitress", RS_W_TITLE}, {"wales", RS_W_REGION},
    {"washington", RS_W_REGION}, {"webmaster", RS_W_TITLE}, {"welder", RS_W_TITLE},
    {"wi", RS_W_REGION}, {"wisconsin", RS_W_REGION}, {"with", RS_W_SMALL}, {"worker", RS_W_TITLE},
    {"writer", RS_W_TITLE}, {"wv", RS_W_REGION}, {"wy", RS_W_REGION}, {"wyoming", RS_W_REGION},
    {"york", RS_W_REGION}, {"zealand", RS_W_REGION},
};
// clang-format on

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Lower-cases text[s..e) into buf; false when it does not fit. */
static bool lower_word(const char *text, size_t s, size_t e, char *buf, size_t cap)
{
    if (e <= s || e - s >= cap)
        return false;
    for (size_t i = s; i < e; i++)
        buf[i - s] = (char)tolower((unsigned char)text[i]);
    buf[e - s] = '\0';
    return true;
}

static int cmp_lexword(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const lexword_t *)elem)->w);
}

/* Short words ("LLC", "AG", "CA", "IN") count only when written in capitals. */
static bool caps(const char *text, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (islower((unsigned char)text[i]))
            return false;
    return true;
}

unsigned img_resume_word_class(const char *text, size_t s, size_t e)
{
    char buf[32];
    if (!lower_word(text, s, e, buf, sizeof(buf)))
        return 0;
    const lexword_t *w = bsearch(buf, lexicon, NELEM(lexicon), sizeof(lexicon[0]), cmp_lexword);
    if (!w)
        return 0;
    unsigned f = w->flags;
    size_t n = e - s;
    if (n <= 3 && !caps(text, s, e)) {
        /* "in", "or", "me" are words before they are states; "cto", "ab" too */
        f &= ~(unsigned)(RS_W_REGION | RS_W_DEGREE | RS_W_TITLE);
        if (n <= 2)
            f &= ~(unsigned)RS_W_COMPANY;
    }
    return f;
}

bool img_resume_is_title_noun(const char *text, size_t s, size_t e)
{
    return img_resume_word_class(text, s, e) & RS_W_TITLE;
}

bool img_resume_is_company_word(const char *text, size_t s, size_t e)
{
    return img_resume_word_class(text, s, e) & RS_W_COMPANY;
}

bool img_resume_is_region(const char *text, size_t s, size_t e)
{
    return img_resume_word_class(text, s, e) & RS_W_REGION;
}

bool img_resume_is_dept_word(const char *text, size_t s, size_t e)
{
    return img_resume_word_class(text, s, e) & RS_W_DEPT;
}

bool img_resume_is_degree_word(const char *text, size_t s, size_t e)
{
    return img_resume_word_class(text, s, e) & RS_W_DEGREE;
}

bool img_resume_is_small_word(const char *text, size_t s, size_t e)
{
    return img_resume_word_class(text, s, e) & RS_W_SMALL;
}

/* Section-heading vocabulary: word, kind, strength (0 = modifier only). */
typedef struct hword {
    const char *w;
    img_section_kind_t kind;
    int prio;
    bool weak; /* ignored as a heading inside an experience section */
} hword_t;

static const hword_t heading_words[] = {
    {"about", IMG_SEC_SUMMARY, 2, false},
    {"academic", IMG_SEC_EDUCATION, 1, false},
    {"academics", IMG_SEC_EDUCATION, 3, false},
    {"accomplishments", IMG_SEC_AWARDS, 3, true},
    {"achievements", IMG_SEC_AWARDS, 3, true},
    {"activities", IMG_SEC_OTHER, 2, true},
    {"additional", IMG_SEC_NONE, 0, false},
    {"affiliations", IMG_SEC_OTHER, 3, false},
    {"and", IMG_SEC_NONE, 0, false},
    {"area", IMG_SEC_NONE, 0, false},
    {"areas", IMG_SEC_NONE, 0, false},
    {"awards", IMG_SEC_AWARDS, 3, false},
    {"background", IMG_SEC_NONE, 0, false},
    {"career", IMG_SEC_EXPERIENCE, 1, false},
    {"certificates", IMG_SEC_CERTIFICATIONS, 3, false},
    {"certification", IMG_SEC_CERTIFICATIONS, 3, false},
    {"certifications", IMG_SEC_CERTIFICATIONS, 3, false},
    {"competences", IMG_SEC_SKILLS, 3, false},
    {"competencies", IMG_SEC_SKILLS, 3, false},
    {"computer", IMG_SEC_NONE, 0, false},
    {"contact", IMG_SEC_CONTACT, 3, false},
    {"core", IMG_SEC_NONE, 0, false},
    {"courses", IMG_SEC_EDUCATION, 2, false},
    {"coursework", IMG_SEC_EDUCATION, 2, false},
    {"credentials", IMG_SEC_CERTIFICATIONS, 2, false},
    {"details", IMG_SEC_NONE, 0, false},
    {"education", IMG_SEC_EDUCATION, 3, false},
    {"educational", IMG_SEC_EDUCATION, 3, false},
    {"employment", IMG_SEC_EXPERIENCE, 3, false},
    {"experience", IMG_SEC_EXPERIENCE, 3, false},
    {"experiences", IMG_SEC_EXPERIENCE, 3, false},
    {"expertise", IMG_SEC_SKILLS, 3, false},
    {"extracurricular", IMG_SEC_OTHER, 2, false},
    {"highlights", IMG_SEC_SUMMARY, 2, true},
    {"history", IMG_SEC_EXPERIENCE, 2, false},
    {"hobbies", IMG_SEC_INTERESTS, 3, false},
    {"honors", IMG_SEC_AWARDS, 3, false},
    {"honours", IMG_SEC_AWARDS, 3, false},
    {"information", IMG_SEC_OTHER, 1, false},
    {"interests", IMG_SEC_INTERESTS, 3, false},
    {"internships", IMG_SEC_EXPERIENCE, 3, false},
    {"it", IMG_SEC_NONE, 0, false},
    {"job", IMG_SEC_EXPERIENCE, 1, false},
    {"key", IMG_SEC_NONE, 0, false},
    {"languages", IMG_SEC_LANGUAGES, 3, false},
    {"leadership", IMG_SEC_NONE, 0, false},
    {"licences", IMG_SEC_CERTIFICATIONS, 3, false},
    {"licenses", IMG_SEC_CERTIFICATIONS, 3, false},
    {"licensure", IMG_SEC_CERTIFICATIONS, 3, false},
    {"links", IMG_SEC_OTHER, 3, false},
    {"me", IMG_SEC_NONE, 0, false},
    {"memberships", IMG_SEC_OTHER, 3, false},
    {"my", IMG_SEC_NONE, 0, false},
    {"objective", IMG_SEC_SUMMARY, 3, false},
    {"objectives", IMG_SEC_SUMMARY, 3, false},
    {"of", IMG_SEC_NONE, 0, false},
    {"other", IMG_SEC_NONE, 0, false},
    {"overview", IMG_SEC_SUMMARY, 2, false},
    {"personal", IMG_SEC_CONTACT, 1, false},
    {"positions", IMG_SEC_EXPERIENCE, 3, false},
    {"presentations", IMG_SEC_PUBLICATIONS, 2, false},
    {"professional", IMG_SEC_NONE, 0, false},
    {"proficiencies", IMG_SEC_SKILLS, 3, false},
    {"profile", IMG_SEC_SUMMARY, 2, false},
    {"projects", IMG_SEC_PROJECTS, 3, false},
    {"publications", IMG_SEC_PUBLICATIONS, 3, false},
    {"qualification", IMG_SEC_EDUCATION, 2, false},
    {"qualifications", IMG_SEC_EDUCATION, 2, false},
    {"recent", IMG_SEC_NONE, 0, false},
    {"referees", IMG_SEC_REFERENCES, 3, false},
    {"references", IMG_SEC_REFERENCES, 3, false},
    {"related", IMG_SEC_NONE, 0, false},
    {"relevant", IMG_SEC_NONE, 0, false},
    {"research", IMG_SEC_NONE, 0, false},
    {"selected", IMG_SEC_NONE, 0, false},
    {"set", IMG_SEC_NONE, 0, false},
    {"skill", IMG_SEC_SKILLS, 3, false},
    {"skills", IMG_SEC_SKILLS, 3, false},
    {"soft", IMG_SEC_NONE, 0, false},
    {"strengths", IMG_SEC_SKILLS, 2, true},
    {"summary", IMG_SEC_SUMMARY, 2, false},
    {"synopsis", IMG_SEC_SUMMARY, 2, false},
    {"teaching", IMG_SEC_NONE, 0, false},
    {"technical", IMG_SEC_NONE, 0, false},
    {"technologies", IMG_SEC_SKILLS, 2, true},
    {"the", IMG_SEC_NONE, 0, false},
    {"tools", IMG_SEC_SKILLS, 2, true},
    {"training", IMG_SEC_EDUCATION, 2, false},
    {"trainings", IMG_SEC_EDUCATION, 2, false},
    {"volunteer", IMG_SEC_VOLUNTEER, 3, false},
    {"volunteering", IMG_SEC_VOLUNTEER, 3, false},
    {"work", IMG_SEC_EXPERIENCE, 1, false},
};

static int cmp_hword(const void *a, const void *b)
{
    return strcmp((const char *)a, ((const hword_t *)b)->w);
}

static const hword_t *heading_word(const char *text, size_t s, size_t e)
{
    char buf[32];
    if (!lower_word(text, s, e, buf, sizeof(buf)))
        return NULL;
    return bsearch(buf, heading_words, NELEM(heading_words), sizeof(heading_words[0]), cmp_hword);
}

bool img_resume_lex_selfcheck(void)
{
    for (size_t i = 1; i < NELEM(lexicon); i++)
        if (strcmp(lexicon[i - 1].w, lexicon[i].w) >= 0)
            return false;
    for (size_t i = 1; i < NELEM(heading_words); i++)
        if (strcmp(heading_words[i - 1].w, heading_words[i].w) >= 0)
            return false;
    return true;
}

/*
 * Judges the words of text[s..e) as a heading. Strict: every word is in the
 * vocabulary. Loose (ALL CAPS, Title Case or a colon, at most four words):
 * unknown words may precede a strong last word ("Clinical Experiences").
 */
static bool heading_words_ok(const char *text, size_t s, size_t e, bool styled,
                             img_section_kind_t *kind, bool *weak)
{
    int best = 0, nwords = 0, unknown = 0;
    const hword_t *last = NULL, *top = NULL;
    size_t p = s;
    while (p < e) {
        unsigned char c = (unsigned char)text[p];
        if (isdigit(c))
            return false;
        if (!isalpha(c)) {
            if (c >= 0x80 || strchr("&/,-|'_.() ", c) == NULL)
                return false;
            p++;
            continue;
        }
        size_t q = p;
        while (q < e && isalpha((unsigned char)text[q]))
            q++;
        nwords++;
        const hword_t *w = heading_word(text, p, q);
        if (!w && !(q - p == 1 && (text[p] == 's' || text[p] == 'S')) /* "Honor(s)" */)
            unknown++;
        if (w && w->prio > best) {
            best = w->prio;
            top = w;
        }
        last = w;
        p = q;
    }
    if (!top || nwords > 6)
        return false;
    if (unknown) {
        if (!styled || nwords > 4 || !last || last->prio < 3 || unknown > 2)
            return false;
        top = last;
    }
    if (best < 2 && nwords == 1 && top->kind != IMG_SEC_EXPERIENCE)
        return false;
    *kind = top->kind;
    *weak = top->weak;
    return true;
}

/* ALL CAPS, or every long word capitalised. */
static bool styled_text(const char *text, size_t s, size_t e, bool *allcaps)
{
    bool any_lower = false, title = true;
    size_t p = s;
    while (p < e) {
        if (!isalpha((unsigned char)text[p])) {
            p++;
            continue;
        }
        size_t q = p;
        while (q < e && isalpha((unsigned char)text[q])) {
            if (islower((unsigned char)text[q]))
                any_lower = true;
            q++;
        }
        if (q - p > 3 && !isupper((unsigned char)text[p]))
            title = false;
        p = q;
    }
    *allcaps = !any_lower;
    return !any_lower || title;
}

/* "P ROFESSIONAL E XPERIENCE": small capitals split by a PDF export. */
static bool small_caps_heading(const char *text, size_t s, size_t e, img_resume_heading_t *h)
{
    char buf[64];
    size_t n = 0, singles = 0;
    for (size_t p = s; p < e && n + 1 < sizeof(buf); p++) {
        if (text[p] == ' ' && p > s && p + 1 < e && isupper((unsigned char)text[p - 1]) &&
            (p - 1 == s || text[p - 2] == ' ') && isupper((unsigned char)text[p + 1])) {
            singles++;
            continue;
        }
        buf[n++] = text[p];
    }
    if (singles < 1 || n + 1 >= sizeof(buf))
        return false;
    buf[n] = '\0';
    img_section_kind_t kind;
    bool weak;
    if (!heading_words_ok(buf, 0, n, true, &kind, &weak))
        return false;
    h->kind = kind;
    h->weak = false;
    h->end = h->body = e;
    return true;
}

/* "Work Experience Acme Corp January 2008  Present": in flattened text a
 * heading can run into the first entry. Up to three heading words of an
 * experience or education heading, then a capitalised word, then dates. */
static bool run_in_heading(const char *text, size_t s, size_t e, img_resume_heading_t *h)
{
    size_t q = s, best = 0;
    img_section_kind_t best_kind = IMG_SEC_NONE;
    for (int k = 0; k < 3; k++) {
        size_t w = q;
        while (w < e && isalpha((unsigned char)text[w]))
            w++;
        if (w == q || !isupper((unsigned char)text[q]) || !heading_word(text, q, w))
            break;
        img_section_kind_t kind;
        bool weak;
        bool strong = img_text_ieq(text, q, w, "experience") ||
                      img_text_ieq(text, q, w, "employment") ||
                      img_text_ieq(text, q, w, "education") || img_text_ieq(text, q, w, "history");
        if (strong && heading_words_ok(text, s, w, true, &kind, &weak) &&
            (kind == IMG_SEC_EXPERIENCE || kind == IMG_SEC_EDUCATION))
            best = w, best_kind = kind;
        if (w >= e || (text[w] != ' ' && text[w] != '/'))
            break;
        q = w + 1;
    }
    if (!best || best + 1 >= e || text[best] != ' ' || !isupper((unsigned char)text[best + 1]))
        return false;
    size_t lim = e - best > 120 ? best + 120 : e;
    img_ym_t ym, to;
    bool cur;
    size_t ds, de;
    if (!img_resume_find_dates(text, best, lim, &ym, &to, &cur, &ds, &de) &&
        !img_resume_find_single_date(text, best, lim, &ym, &ds, &de))
        return false;
    h->kind = best_kind;
    h->end = best;
    h->body = best + 1;
    return true;
}

bool img_resume_heading(const char *text, size_t len, size_t s, size_t e, bool loose,
                        img_resume_heading_t *h)
{
    memset(h, 0, sizeof(*h));
    if (e <= s || !isalpha((unsigned char)text[s]))
        return false;
    if (loose && run_in_heading(text, s, e, h))
        return true;
    /* Inline "Skills: Python, Java": a short known label before a colon. */
    size_t colon = s;
    while (colon < e && text[colon] != ':' && colon - s < 40)
        colon++;
    size_t te = e;
    bool has_colon = false;
    if (colon < e && text[colon] == ':') {
        has_colon = true;
        te = colon;
    }
    /* Trim decoration: "SUMMARY____", "Experience -". */
    while (te > s && strchr(" _-=*:.", text[te - 1]))
        te--;
    if (te - s > 60 || te <= s)
        return false;
    bool allcaps;
    bool styled = styled_text(text, s, te, &allcaps);
    if (!isupper((unsigned char)text[s]) && !has_colon)
        return false;
    img_section_kind_t kind;
    bool weak;
    if (!heading_words_ok(text, s, te, styled || has_colon, &kind, &weak))
        return allcaps && !has_colon && small_caps_heading(text, s, te, h);
    h->kind = kind;
    h->weak = weak && !allcaps;
    h->end = has_colon ? colon + 1 : te;
    size_t b = has_colon ? colon + 1 : e;
    while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '_' || text[b] == '-'))
        b++;
    h->body = b < e ? b : e;
    if (h->body < e) {
        /* An inline body only after a strong label ("Skills:", not "Work:"). */
        const hword_t *w = NULL;
        size_t p = s;
        while (p < te) {
            size_t q = p;
            while (q < te && isalpha((unsigned char)text[q]))
                q++;
            if (q > p) {
                const hword_t *x = heading_word(text, p, q);
                if (!x) /* "Programming Languages: C, Java" is a skills line */
                    return false;
                if (!w || x->prio > w->prio)
                    w = x;
                p = q;
            } else {
                p++;
            }
        }
        if (!w || w->prio < 2 || w->weak)
            return false;
    }
    (void)len;
    return true;
}
